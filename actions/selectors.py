"""Read queries for the pages: each returns everything its page shows, in a fixed number of
queries whatever the number of rows (tests/actions/test_query_counts.py pins them).

The ``get_*_for_*`` functions are the permission-checked fetches every view starts with:
they return the object or raise ``Http404`` / ``PermissionDenied``.
"""

import datetime
from dataclasses import dataclass, field
from typing import TypeVar, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Field,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404, QueryDict

from participants.models import Organization, Person
from participants.person_records import former_staff_label
from pimtracker.security.names import display_name, stored_name

from . import permissions, progress_counts
from .filters import ActionPointFilter, FilterChoices
from .models import (
    REPORT_ORDER,
    ActionPlan,
    ActionPoint,
    ActionPointQuerySet,
    ActionUpdate,
    Area,
    LearningOutcome,
    Meeting,
    Resource,
)
from .permissions import User
from .progress import (
    StatusCounts,
    counts_of_row,
    due_soon_q,
    due_soon_until,
    open_q,
    overdue_q,
)
from .sample_data import sample_rows

# Pages that list someone's or something's items show this many of each group, with the
# group's count and a link to the list for the rest: rendering rows is what a page costs.
MY_ITEMS_GROUP_LIMIT = 50
PLAN_AREA_LIMIT = 50


# --- Shared pieces -------------------------------------------------------------------


def action_points_for_list() -> ActionPointQuerySet:
    """Rows of the list pages: area and plan joined, lead organisations prefetched."""
    return (
        ActionPoint.objects.select_related("plan", "area")
        .prefetch_related(ActionPoint.leads_as_list())
        .annotate(has_sample_data=sample_rows())  # data responsibility: marked "Sample"
    )


def journal_entries(queryset: QuerySet[ActionUpdate]) -> QuerySet[ActionUpdate]:
    # The organisation too: an anonymised author reads "former staff of ORG" (display_name).
    return queryset.select_related("author__person__organization")


def label_journal_entries(entries: list[ActionUpdate]) -> list[ActionUpdate]:
    """Give each entry its author's name and readable change rows, for the templates."""
    for entry in entries:
        if entry.author_id:  # the current name; the one written with it once deleted
            entry.author_name = display_name(entry.author)
        elif entry.author_anonymised:  # "former staff of ORG", in the reader's language
            entry.author_name = former_staff_label(entry.author_name)
        else:
            entry.author_name = stored_name(entry.author_name)
        entry.change_rows = [
            (_field_label(name), before, after)
            for name, (before, after) in sorted(entry.changes.items())
        ]
    return entries


def _field_label(name: str) -> str:
    try:
        return str(cast(Field, ActionPoint._meta.get_field(name)).verbose_name)
    except FieldDoesNotExist:
        return name


# --- Permission-checked fetches ---------------------------------------------------------


def get_action_point_for_view(user: User, pk: int) -> ActionPoint:
    """The detail page's item with everything it shows, or 404; 403 for an account with
    no role."""
    permissions.require_reader(user)
    queryset = ActionPoint.objects.select_related(
        "plan", "area", "forum", "parent", "agreed_event", "agreed_meeting__forum"
    ).prefetch_related(
        "lead_organizations",
        Prefetch("focal_points", queryset=Person.objects.select_related("organization")),
        Prefetch("sub_items", queryset=ActionPoint.objects.order_by("position", "code")),
        Prefetch(
            "updates",
            queryset=journal_entries(
                ActionUpdate.objects.select_related("meeting__forum").order_by("-created_at", "-id")
            ),
        ),
        # Provenance: the meetings that discussed it, its links.
        Prefetch("meetings", queryset=Meeting.objects.select_related("forum").order_by("-date")),
        Prefetch("resources", queryset=Resource.objects.prefetch_related("organizations")),
    )
    queryset = queryset.annotate(has_sample_data=sample_rows())  # data responsibility
    try:
        item = queryset.get(pk=pk)
    except ActionPoint.DoesNotExist:
        raise Http404("No such action point") from None
    label_journal_entries(list(item.updates.all()))
    return item


def get_action_point_for_update(user: User, pk: int) -> ActionPoint:
    """The item a status update is about, or 404/403: coordinators and its own partners."""
    permissions.require_reader(user)
    try:
        item = ActionPoint.objects.prefetch_related("lead_organizations", "focal_points").get(pk=pk)
    except ActionPoint.DoesNotExist:
        raise Http404("No such action point") from None
    permissions.require_update(user, item)
    return item


def get_action_point_for_edit(user: User, pk: int) -> ActionPoint:
    """The item the coordinator's edit form is about, with what the form shows."""
    permissions.require_coordinator(user)
    try:
        return (
            ActionPoint.objects.select_related("plan", "area", "forum", "parent")
            .prefetch_related("lead_organizations", "focal_points")
            .get(pk=pk)
        )
    except ActionPoint.DoesNotExist:
        raise Http404("No such action point") from None


def get_plan_for_view(user: User, pk: int) -> ActionPlan:
    permissions.require_reader(user)
    try:
        return ActionPlan.objects.select_related("forum", "source_event").get(pk=pk)
    except ActionPlan.DoesNotExist:
        raise Http404("No such plan") from None


# --- Pages ---------------------------------------------------------------------------


@dataclass
class AreaProgress:
    area: Area
    counts: StatusCounts


@dataclass
class OrganizationProgress:
    organization: Organization
    counts: StatusCounts


_Rows = TypeVar("_Rows", bound=QuerySet[ActionPoint])

# The columns ``actions/_item_table.html`` shows (the version for the list's bulk form). A
# field the table starts showing belongs here, or each row would read it with a query of
# its own (the query-count tests would see it).
TABLE_COLUMNS = ("code", "title", "status", "due_date", "parent", "area", "updated_at", "version")


def item_table_rows() -> ActionPointQuerySet:
    """Rows for ``actions/_item_table.html``: the list's rows with the columns it shows and
    the lead organisations (prefetched), nothing more, since pages that show a few rows
    make the database sort all of them."""
    return as_table_rows(action_points_for_list())


def as_table_rows(items: _Rows) -> _Rows:
    """``items`` (the list's, which the exports and the API read in full) with only the
    columns of the item table: building each row's plan and area, and reading its texts,
    was a tenth of a list page."""
    return items.select_related(None).only(*TABLE_COLUMNS)


@dataclass
class ItemGroup:
    """One group of "My items": its first items, and how many there are in all."""

    items: list[ActionPoint] = field(default_factory=list)
    total: int = 0
    # Of them, those the person's organisation leads: the list filters by lead organisation,
    # not by focal point, so these are the ones a link to it can show.
    led: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


@dataclass
class MyItems:
    due_soon_until: datetime.date
    overdue: ItemGroup = field(default_factory=ItemGroup)
    due_soon: ItemGroup = field(default_factory=ItemGroup)
    open: ItemGroup = field(default_factory=ItemGroup)
    closed: ItemGroup = field(default_factory=ItemGroup)

    @property
    def total(self) -> int:
        return self.overdue.total + self.due_soon.total + self.open.total + self.closed.total

    @property
    def led_open(self) -> int:
        """Open items the organisation leads, overdue and due soon included."""
        return self.overdue.led + self.due_soon.led + self.open.led


# The groups of "My items", as numbers the database sorts and partitions by.
_OVERDUE, _DUE_SOON, _OPEN, _CLOSED = range(4)


def my_items(person: Person, today: datetime.date, limit: int = MY_ITEMS_GROUP_LIMIT) -> MyItems:
    """The person's items (led by their organisation or theirs as focal point), grouped:
    overdue and due in the next 14 days (by due date), other open and closed (in plan
    order). The first ``limit`` of each group, and the size of every group. Two queries.

    The first reads the person's items once: it numbers them within their group and counts
    each group over the same rows (window functions), and returns the first ``limit`` of
    each group with the counts. The second is their lead organisations.
    """
    group = Case(
        When(overdue_q(today), then=Value(_OVERDUE)),
        When(due_soon_q(today), then=Value(_DUE_SOON)),
        When(open_q(), then=Value(_OPEN)),
        default=Value(_CLOSED),
    )
    # The due date leads the order in the two groups read by date; elsewhere it is empty.
    by_due_date = Case(
        When(overdue_q(today) | due_soon_q(today), then=F("due_date")),
        default=Value(None),
        output_field=DateField(),
    )
    led = ActionPoint.lead_organizations.through.objects.filter(
        organization_id=person.organization_id
    ).values("actionpoint_id")
    in_group = [F("my_group")]
    rows = (
        item_table_rows()
        .for_person(person)
        .annotate(my_group=group)
        .annotate(
            group_row=Window(
                RowNumber(), partition_by=in_group, order_by=[by_due_date.asc(), *REPORT_ORDER]
            ),
            group_total=Window(Count("pk"), partition_by=in_group),
            group_led=Window(Count("pk", filter=Q(pk__in=led)), partition_by=in_group),
        )
        .filter(group_row__lte=limit)
        .order_by("my_group", "group_row")
    )
    groups = MyItems(due_soon_until=due_soon_until(today))
    by_number = {
        _OVERDUE: groups.overdue,
        _DUE_SOON: groups.due_soon,
        _OPEN: groups.open,
        _CLOSED: groups.closed,
    }
    for item in rows:
        shown = by_number[item.my_group]
        shown.items.append(item)
        shown.total, shown.led = item.group_total, item.group_led
    return groups


@dataclass
class AreaSection:
    area: Area
    learning_outcomes: list[LearningOutcome]
    items: list[ActionPoint]  # the first PLAN_AREA_LIMIT in reading order
    counts: StatusCounts  # every item of the area

    @property
    def more(self) -> bool:
        return self.counts.total > len(self.items)


def plan_sections(
    plan: ActionPlan, today: datetime.date, limit: int = PLAN_AREA_LIMIT
) -> list[AreaSection]:
    """The plan as the report reads: each area, its learning outcomes, its first ``limit``
    action points (sub-items after their parent) and the counts of all of them. Four
    queries: the areas with their counts (one GROUP BY), their learning outcomes, the first
    items of every area (numbered per area by a window function), their leads."""
    areas = list(
        plan.areas.annotate(**progress_counts.count_annotations("area", today))
        .order_by("order", "code")
        .prefetch_related(
            Prefetch("learning_outcomes", queryset=LearningOutcome.objects.order_by("order", "pk"))
        )
    )
    first_items = (
        item_table_rows()
        .filter(_may_come_first(plan, areas, limit))
        .annotate(
            area_row=Window(RowNumber(), partition_by=[F("area_id")], order_by=_parents_first())
        )
        .filter(area_row__lte=limit)
        .order_by("area_id", "area_row")
    )
    by_area: dict[int, list[ActionPoint]] = {}
    for item in first_items:
        by_area.setdefault(item.area_id, []).append(item)
    return [
        AreaSection(
            area=area,
            learning_outcomes=list(area.learning_outcomes.all()),
            items=by_area.get(area.pk, []),
            counts=counts_of_row(area),
        )
        for area in areas
    ]


def _may_come_first(plan: ActionPlan, areas: list[Area], limit: int) -> Q:
    """The items that can be among an area's first ``limit`` in reading order: its first
    ``limit`` items that do not follow a parent of the same area, read in plan order from
    the plan-order index, and those items' sub-items of the same area. The window function
    then sorts a few hundred items instead of every item of the plan.

    SQLite cannot limit the parts of a ``UNION``; there, with the plans of one cluster,
    every item of the plan is a candidate."""
    if not connection.features.supports_slicing_ordering_in_compound:
        return Q(plan=plan)
    if not areas:
        return Q(pk__in=[])
    tops = [
        ActionPoint.objects.filter(plan=plan, area_order=area.order, area=area)
        .exclude(parent__area_id=F("area_id"))
        .order_by("position", "code", "pk")
        .values("pk")[:limit]
        for area in areas
    ]
    first = tops[0].union(*tops[1:], all=True)
    their_sub_items = ActionPoint.objects.filter(
        parent__in=first, parent__area_id=F("area_id")
    ).values("pk")
    # One IN over a UNION, not two INs joined by OR: PostgreSQL then reads the few hundred
    # items by their keys instead of testing every item of the table against both lists.
    return Q(pk__in=first.union(their_sub_items, all=True))


def _parents_first() -> list:
    """An area's reading order, for the database to sort by: plan order with each parent's
    sub-items straight after it. A sub-item takes its parent's place and follows it; one
    whose parent is in another area keeps its own place. Sorting in the database (rather
    than in Python after loading them all) is what lets a page take the first rows only."""
    with_parent = Q(parent__area_id=F("area_id"))
    return [
        Case(When(with_parent, then=F("parent__position")), default=F("position")),
        Case(When(with_parent, then=F("parent__code")), default=F("code")),
        Case(When(with_parent, then=Value(1)), default=Value(0), output_field=IntegerField()),
        "position",
        "code",
        "pk",
    ]


# --- The filtered list ---------------------------------------------------------------------


def filtered_list(data: QueryDict, *, choices: FilterChoices | None = None) -> ActionPointFilter:
    """The list page's FilterSet over the list's rows in plan order: the page, the three
    exports and the API all list through it, so they list the same items. ``choices`` only
    where a form is shown; without them, choices are read only to check a given plan or
    area."""
    base = action_points_for_list().report_order()
    return ActionPointFilter(data or None, queryset=base, choices=choices)


def with_details(items: QuerySet[ActionPoint]) -> QuerySet[ActionPoint]:
    """Listed items with everything an API row shows beyond the list's columns: parent,
    forum, focal points and their organisations."""
    return items.select_related(
        "parent", "forum", "agreed_event", "agreed_meeting__forum"
    ).prefetch_related(
        Prefetch("focal_points", queryset=Person.objects.select_related("organization"))
    )
