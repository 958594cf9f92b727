"""Read queries for the pages: each returns everything its page shows, in a fixed number of
queries whatever the number of rows (tests/actions/test_query_counts.py pins them).

The ``get_*_for_*`` functions are the permission-checked fetches every view starts with:
they return the object or raise ``Http404`` / ``PermissionDenied``.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from participants.models import Forum, Organization, Person

from . import permissions
from .models import (
    ActionPlan,
    ActionPoint,
    ActionUpdate,
    Area,
    LearningOutcome,
)
from .permissions import User
from .progress import StatusCounts, counts_of_items, counts_of_row, status_count_annotations

DUE_SOON_DAYS = 14
DASHBOARD_OVERDUE_LIMIT = 20
DASHBOARD_RECENT_LIMIT = 10
DASHBOARD_ORGANIZATION_LIMIT = 25
# A datalist is a convenience for typing, not a catalogue: past this many it stops helping.
DATALIST_LIMIT = 1000


# --- Shared pieces -------------------------------------------------------------------


def display_name(user: AbstractBaseUser | None) -> str:
    """The journal's "who": the person's name when the account has one. Callers load the
    person with the entry (``select_related("author__person")``), so this reads no row."""
    if user is None:
        return ""
    try:
        return user.person.full_name
    except ObjectDoesNotExist:
        return user.get_username()


def action_points_for_list() -> QuerySet[ActionPoint]:
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
        return str(ActionPoint._meta.get_field(name).verbose_name)
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
    """Five queries: areas with counts, organisations with counts, overdue items and their
    leads, the latest journal entries."""
    areas = [
        AreaProgress(area=row, counts=counts_of_row(row))
        for row in Area.objects.select_related("plan")
        .annotate(**status_count_annotations("action_points", today))
        .order_by("plan__title", "plan_id", "order", "code")
    ]
    plans: list[ActionPlan] = []
    for row in areas:
        if not plans or plans[-1].pk != row.area.plan_id:
            plans.append(row.area.plan)
    organizations = [
        OrganizationProgress(organization=row, counts=counts_of_row(row))
        for row in Organization.objects.annotate(
            **status_count_annotations("led_action_points", today),
            n_items=Count("led_action_points"),
        )
        .filter(n_items__gt=0)
        .order_by("-n_items", "acronym")[:DASHBOARD_ORGANIZATION_LIMIT]
    ]
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
        organizations=organizations,
        overdue=overdue,
        overdue_total=sum(a.counts.overdue for a in areas),
        recent=recent,
    )


@dataclass
class MyItems:
    overdue: list[ActionPoint] = field(default_factory=list)
    due_soon: list[ActionPoint] = field(default_factory=list)
    open: list[ActionPoint] = field(default_factory=list)
    closed: list[ActionPoint] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.open) + len(self.closed)


def my_items(person: Person, today: datetime.date) -> MyItems:
    """The person's items (led by their organisation or theirs as focal point), grouped:
    overdue, due in the next 14 days, other open, closed. Two queries."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    groups = MyItems()
    for item in action_points_for_list().for_person(person).report_order():
        if not item.is_open:
            groups.closed.append(item)
        elif item.due_date and item.due_date < today:
            groups.overdue.append(item)
        elif item.due_date and item.due_date <= soon:
            groups.due_soon.append(item)
        else:
            groups.open.append(item)
    groups.overdue.sort(key=lambda i: i.due_date)
    groups.due_soon.sort(key=lambda i: i.due_date)
    return groups


@dataclass
class AreaSection:
    area: Area
    learning_outcomes: list[LearningOutcome]
    items: list[ActionPoint]
    counts: StatusCounts


def plan_sections(plan: ActionPlan, today: datetime.date) -> list[AreaSection]:
    """The plan as the report reads: each area, its learning outcomes, its action points
    (sub-items after their parent). Four queries."""
    areas = plan.areas.order_by("order", "code").prefetch_related(
        Prefetch("learning_outcomes", queryset=LearningOutcome.objects.order_by("order", "pk"))
    )
    by_area: dict[int, list[ActionPoint]] = {}
    for item in action_points_for_list().filter(plan=plan).report_order():
        by_area.setdefault(item.area_id, []).append(item)
    return [
        AreaSection(
            area=area,
            learning_outcomes=list(area.learning_outcomes.all()),
            items=_parents_first(by_area.get(area.pk, [])),
            counts=counts_of_items(by_area.get(area.pk, []), today),
        )
        for area in areas
    ]


def _parents_first(items: list[ActionPoint]) -> list[ActionPoint]:
    """Report order with each parent's sub-items straight after it."""
    children: dict[int, list[ActionPoint]] = {}
    for item in items:
        if item.parent_id:
            children.setdefault(item.parent_id, []).append(item)
    ordered: list[ActionPoint] = []
    present = {item.pk for item in items}
    for item in items:
        if item.parent_id and item.parent_id in present:
            continue
        ordered.append(item)
        ordered.extend(children.get(item.pk, []))
    return ordered


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
    items: list[ActionPoint]
    counts: StatusCounts
    people: list[Person]


def organization_page(organization: Organization, today: datetime.date) -> OrganizationPage:
    """The organisation's led items (two queries) and its active staff (one query)."""
    items = list(action_points_for_list().filter(lead_organizations=organization).report_order())
    people = list(organization.people.active().order_by("last_name", "first_name"))
    return OrganizationPage(
        organization=organization,
        items=items,
        counts=counts_of_items(items, today),
        people=people,
    )


# --- Choices for the filter form --------------------------------------------------------


@dataclass
class FilterChoices:
    plans: list[tuple[str, str]]
    area_codes: list[str]
    organization_acronyms: list[str]
    forum_acronyms: list[str]


def filter_choices() -> FilterChoices:
    """What the list's filter form offers: four small queries, evaluated here so that the
    template runs none. Organisations and forums are datalist suggestions only (the form
    takes any acronym and checks it), so thousands of them stay cheap."""
    return FilterChoices(
        plans=[(str(pk), title) for pk, title in ActionPlan.objects.values_list("pk", "title")],
        area_codes=list(Area.objects.order_by("code").values_list("code", flat=True).distinct()),
        organization_acronyms=list(
            Organization.objects.order_by("acronym").values_list("acronym", flat=True)[
                :DATALIST_LIMIT
            ]
        ),
        forum_acronyms=list(
            Forum.objects.order_by("acronym").values_list("acronym", flat=True)[:DATALIST_LIMIT]
        ),
    )
