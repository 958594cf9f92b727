"""Read queries for the pages: each returns everything its page shows, in a fixed number of
queries whatever the number of rows (tests/actions/test_query_counts.py pins them).

The ``get_*_for_*`` functions are the permission-checked fetches every view starts with:
they return the object or raise ``Http404`` / ``PermissionDenied``.
"""

import datetime
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Field,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.http import Http404

from participants.models import Forum, Organization, Person

from . import permissions
from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    REPORT_ORDER,
    ActionPlan,
    ActionPoint,
    ActionPointQuerySet,
    ActionUpdate,
    Area,
    LearningOutcome,
    Status,
)
from .permissions import User
from .progress import StatusCounts, counts_of_row, status_count_annotations

DUE_SOON_DAYS = 14
DASHBOARD_OVERDUE_LIMIT = 20
DASHBOARD_RECENT_LIMIT = 10
DASHBOARD_ORGANIZATION_LIMIT = 25
# Pages that list someone's or something's items show this many of each group, with the
# group's count and a link to the list for the rest: rendering is what costs, 0.3 ms a row.
MY_ITEMS_GROUP_LIMIT = 50
PLAN_AREA_LIMIT = 100
ORGANIZATION_ITEMS_LIMIT = 50
# A datalist is a convenience for typing, not a catalogue: past this many it stops helping.
DATALIST_LIMIT = 1000


# --- Shared pieces -------------------------------------------------------------------


def display_name(user: AuthUser | None) -> str:
    """The journal's "who": the person's name when the account has one. Callers load the
    person with the entry (``select_related("author__person")``), so this reads no row."""
    if user is None:
        return ""
    try:
        return user.person.full_name
    except ObjectDoesNotExist:
        return user.get_username()


def action_points_for_list() -> ActionPointQuerySet:
    """Rows of the list pages: area and plan joined, lead organisations prefetched."""
    return ActionPoint.objects.select_related("plan", "area").prefetch_related("lead_organizations")


def _journal_entries(queryset: QuerySet[ActionUpdate]) -> QuerySet[ActionUpdate]:
    return queryset.select_related("author__person")


def label_journal_entries(entries: list[ActionUpdate]) -> list[ActionUpdate]:
    """Give each entry its author's name and readable change rows, for the templates."""
    for entry in entries:
        entry.author_name = display_name(entry.author)
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
        "plan", "area", "forum", "parent"
    ).prefetch_related(
        "lead_organizations",
        Prefetch("focal_points", queryset=Person.objects.select_related("organization")),
        Prefetch("sub_items", queryset=ActionPoint.objects.order_by("position", "code")),
        Prefetch(
            "updates",
            queryset=_journal_entries(ActionUpdate.objects.order_by("-created_at", "-id")),
        ),
    )
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


@dataclass
class Dashboard:
    plans: list[ActionPlan]
    areas: list[AreaProgress]
    organizations: list[OrganizationProgress]
    overdue: list[ActionPoint]
    overdue_total: int
    recent: list[ActionUpdate]


def dashboard(today: datetime.date) -> Dashboard:
    """Five queries: areas with their counts, organisations with their counts, overdue
    items and their leads, the latest journal entries."""
    areas = [
        AreaProgress(area=row, counts=counts_of_row(row))
        for row in Area.objects.select_related("plan")
        .annotate(**_area_item_counts(today))
        .order_by("plan__title", "plan_id", "order", "code")
    ]
    plans: list[ActionPlan] = []
    for row in areas:
        if not plans or plans[-1].pk != row.area.plan_id:
            plans.append(row.area.plan)
    overdue = list(
        action_points_for_list()
        .overdue(today)
        .order_by("due_date", "code", "pk")[:DASHBOARD_OVERDUE_LIMIT]
    )
    recent = label_journal_entries(
        list(
            _journal_entries(ActionUpdate.objects.select_related("action_point")).order_by(
                "-created_at", "-id"
            )[:DASHBOARD_RECENT_LIMIT]
        )
    )
    return Dashboard(
        plans=plans,
        areas=areas,
        organizations=_organizations_by_items(today)[:DASHBOARD_ORGANIZATION_LIMIT],
        overdue=overdue,
        overdue_total=sum(a.counts.overdue for a in areas),
        recent=recent,
    )


def _area_item_counts(today: datetime.date) -> dict[str, Coalesce]:
    """``status_count_annotations`` for areas, as one small subquery per count: each counts
    its area's range of the (area, status, due date) index without reading the table, where
    a join brings every item to its area and groups them all (28 -> 14 ms at 100,000)."""
    items = ActionPoint.objects.filter(area=OuterRef("pk"))

    def count(queryset: QuerySet[ActionPoint]) -> Coalesce:
        # An area without such items has no group, hence no row: 0, not NULL.
        grouped = queryset.order_by().values("area").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(grouped), 0)

    counts = {f"n_{status}": count(items.filter(status=status)) for status in Status.values}
    # Overdue as in ``ActionPointQuerySet.overdue``, with the open statuses named rather than
    # the closed ones excluded: the index then reads the overdue entries only (half the time).
    counts["n_overdue"] = count(items.filter(status__in=OPEN_STATUSES, due_date__lt=today))
    return counts


def _organizations_by_items(today: datetime.date) -> list[OrganizationProgress]:
    """Every organisation that leads items, with them counted per status, most items first
    (equals by acronym). One GROUP BY organisation and status over the lead table joined to
    the items: two counts a row, where a count per status tests every row five times. All
    of them come back, five rows at most each: which come first is known only from the
    totals, after the grouping, so a LIMIT would save no reading anyway."""
    overdue = Q(led_action_points__status__in=OPEN_STATUSES, led_action_points__due_date__lt=today)
    rows = (
        # Organisations that lead something (``isnull=False``): no row for the others.
        Organization.objects.filter(led_action_points__isnull=False)
        .annotate(item_status=F("led_action_points__status"))
        .annotate(n=Count("pk"), n_overdue=Count("pk", filter=overdue))
        .order_by("acronym", "pk")
    )
    progress: dict[int, OrganizationProgress] = {}
    for row in rows:
        if row.pk not in progress:
            none_yet = StatusCounts(by_status=dict.fromkeys(Status.values, 0))
            progress[row.pk] = OrganizationProgress(organization=row, counts=none_yet)
        counts = progress[row.pk].counts
        counts.by_status[row.item_status] = row.n
        counts.overdue += row.n_overdue
    # sorted() is stable: equals stay in the database's acronym order.
    return sorted(progress.values(), key=lambda p: -p.counts.total)


def _item_table_rows() -> ActionPointQuerySet:
    """Rows for ``actions/_item_table.html``: the columns it shows and the lead organisations
    (prefetched), nothing more. Pages that number or count many rows to show a few make the
    database sort every one of them; without the description and the joined plan and area
    (at 100,000 items: half the time for the plan page). A field the table starts showing
    belongs here, or each row would read it with a query of its own (the query-count tests
    would see it)."""
    shown = ("code", "title", "status", "due_date", "parent", "area", "updated_at")
    return ActionPoint.objects.only(*shown).prefetch_related("lead_organizations")


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
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    group = Case(
        When(status__in=CLOSED_STATUSES, then=Value(_CLOSED)),
        When(due_date__lt=today, then=Value(_OVERDUE)),
        When(due_date__lte=soon, then=Value(_DUE_SOON)),
        default=Value(_OPEN),
    )
    # The due date leads the order in the two groups read by date; elsewhere it is empty.
    by_due_date = Case(
        When(~Q(status__in=CLOSED_STATUSES) & Q(due_date__lte=soon), then=F("due_date")),
        default=Value(None),
        output_field=DateField(),
    )
    led = ActionPoint.lead_organizations.through.objects.filter(
        organization_id=person.organization_id
    ).values("actionpoint_id")
    in_group = [F("my_group")]
    rows = (
        _item_table_rows()
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
    groups = MyItems(due_soon_until=soon)
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
    areas = (
        plan.areas.annotate(**status_count_annotations("action_points", today))
        .order_by("order", "code")
        .prefetch_related(
            Prefetch("learning_outcomes", queryset=LearningOutcome.objects.order_by("order", "pk"))
        )
    )
    first_items = (
        _item_table_rows()
        .filter(plan=plan)
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


def organizations_with_counts(today: datetime.date, q: str = "") -> QuerySet[Organization]:
    """Every organisation with its led items counted per status (one query a page)."""
    queryset = Organization.objects.annotate(
        **status_count_annotations("led_action_points", today), n_items=Count("led_action_points")
    ).order_by("acronym")
    if q:
        queryset = queryset.filter(Q(acronym__icontains=q) | Q(name__icontains=q))
    return queryset


def with_counts(organizations: list[Organization]) -> list[OrganizationProgress]:
    return [OrganizationProgress(organization=o, counts=counts_of_row(o)) for o in organizations]


def get_organization_for_view(user: User, acronym: str) -> Organization:
    permissions.require_reader(user)
    if "\x00" in acronym:  # PostgreSQL refuses NUL in text: no such organisation
        raise Http404("No such organisation")
    try:
        return Organization.objects.get(acronym=acronym)
    except Organization.DoesNotExist:
        raise Http404("No such organisation") from None


@dataclass
class OrganizationPage:
    organization: Organization
    items: list[ActionPoint]  # the first ORGANIZATION_ITEMS_LIMIT it leads, in plan order
    counts: StatusCounts  # every item it leads
    people: list[Person]

    @property
    def more(self) -> bool:
        return self.counts.total > len(self.items)


def organization_page(
    organization: Organization, today: datetime.date, limit: int = ORGANIZATION_ITEMS_LIMIT
) -> OrganizationPage:
    """The counts of the items the organisation leads (one GROUP BY, as on the organisation
    list), the first ``limit`` of them in plan order (one query) and their leads (one
    query), its active staff (one query)."""
    counted = organizations_with_counts(today).get(pk=organization.pk)
    items = list(_item_table_rows().filter(lead_organizations=organization).report_order()[:limit])
    people = list(organization.people.active().order_by("last_name", "first_name"))
    return OrganizationPage(
        organization=organization, items=items, counts=counts_of_row(counted), people=people
    )


# --- Choices for the filter form --------------------------------------------------------


@dataclass
class FilterChoices:
    plans: list[tuple[str, str]]
    area_codes: list[str]
    organization_acronyms: list[str]
    forum_acronyms: list[str]


def filter_choices() -> FilterChoices:
    """What the list's filter form offers, evaluated here so that the template runs no
    query. One query: the four lists in a UNION ALL, each row tagged with its list.
    Organisations and forums are datalist suggestions only (the form takes any acronym and
    checks it), so thousands of them stay cheap."""
    # A typed NULL: under DISTINCT, PostgreSQL reads a bare one as text, which the UNION
    # then refuses to match with the plans' keys.
    no_pk = Cast(Value(None), IntegerField())
    parts = [
        _choices("plan", ActionPlan.objects.all(), F("title"), pk=F("pk")),
        _choices("area", Area.objects.all(), F("code"), pk=no_pk).distinct(),
        _choices("organization", _first_by_acronym(Organization), F("acronym"), pk=no_pk),
        _choices("forum", _first_by_acronym(Forum), F("acronym"), pk=no_pk),
    ]
    # A UNION keeps no order of its parts: each list is sorted here as its table would be.
    rows = parts[0].union(*parts[1:], all=True).order_by("choice_list", "choice_text", "choice_pk")
    lists: dict[str, list] = {"plan": [], "area": [], "organization": [], "forum": []}
    for name, pk, text in rows:
        lists[name].append((str(pk), text) if name == "plan" else text)
    return FilterChoices(
        plans=lists["plan"],
        area_codes=lists["area"],
        organization_acronyms=lists["organization"],
        forum_acronyms=lists["forum"],
    )


def _choices(name: str, queryset: QuerySet, text: F, pk: F | Cast) -> QuerySet:
    """One part of ``filter_choices``'s UNION: (list name, primary key, text) rows."""
    return (
        queryset.order_by()
        .annotate(choice_list=Value(name), choice_pk=pk, choice_text=text)
        .values_list("choice_list", "choice_pk", "choice_text")
    )


def _first_by_acronym(model: type[Organization] | type[Forum]) -> QuerySet:
    """The first DATALIST_LIMIT rows by acronym. The LIMIT sits in a subquery because
    SQLite refuses one in a part of a UNION."""
    first = model.objects.order_by("acronym").values("pk")[:DATALIST_LIMIT]
    return model.objects.filter(pk__in=first)
