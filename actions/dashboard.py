"""The dashboard: progress per area and per organisation, what is overdue, and the latest
journal entries, in five queries whatever the size of the plans. On PostgreSQL the counts
are read from those kept on change (actions/progress_counts.py); SQLite counts the items."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from participants.models import Organization

from . import progress_counts, selectors
from .models import ActionPlan, ActionPoint, ActionUpdate, Area, Status
from .progress import StatusCounts, counts_of_row, overdue_q
from .selectors import AreaProgress, OrganizationProgress

OVERDUE_LIMIT = 20
RECENT_LIMIT = 10
ORGANIZATION_LIMIT = 25


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
        .annotate(**_area_counts(today))
        .order_by("plan__title", "plan_id", "order", "code")
    ]
    plans: list[ActionPlan] = []
    for row in areas:
        if not plans or plans[-1].pk != row.area.plan_id:
            plans.append(row.area.plan)
    overdue = list(
        selectors.item_table_rows()
        .overdue(today)
        .order_by("due_date", "code", "pk")[:OVERDUE_LIMIT]
    )
    recent = selectors.label_journal_entries(
        list(
            selectors.journal_entries(ActionUpdate.objects.select_related("action_point")).order_by(
                "-created_at", "-id"
            )[:RECENT_LIMIT]
        )
    )
    return Dashboard(
        plans=plans,
        areas=areas,
        organizations=_organizations_by_items(today)[:ORGANIZATION_LIMIT],
        overdue=overdue,
        overdue_total=sum(a.counts.overdue for a in areas),
        recent=recent,
    )


def _area_counts(today: datetime.date) -> Mapping:
    if progress_counts.stored():
        return progress_counts.count_annotations("area", today)
    return _area_item_counts(today)


def _area_item_counts(today: datetime.date) -> dict[str, Coalesce]:
    """``status_count_annotations`` for areas, as one small subquery per count: each counts
    its area's range of the (area, status, due date) index without reading the table, where
    a join would bring every item to its area and group them all."""
    items = ActionPoint.objects.filter(area=OuterRef("pk"))

    def count(queryset: QuerySet[ActionPoint]) -> Coalesce:
        # An area without such items has no group, hence no row: 0, not NULL.
        grouped = queryset.order_by().values("area").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(grouped), 0)

    counts = {f"n_{status}": count(items.filter(status=status)) for status in Status.values}
    counts["n_overdue"] = count(items.filter(overdue_q(today)))
    return counts


def _organizations_by_items(today: datetime.date) -> list[OrganizationProgress]:
    if progress_counts.stored():
        return _organizations_by_stored_counts(today)
    return _organizations_by_counting(today)


def _organizations_by_stored_counts(today: datetime.date) -> list[OrganizationProgress]:
    """Every organisation that leads items, with its kept counts, most items first."""
    rows = (
        Organization.objects.filter(pk__in=progress_counts.organizations_leading())
        .annotate(**progress_counts.count_annotations("organization", today))
        .order_by("acronym", "pk")
    )
    progress = [OrganizationProgress(organization=row, counts=counts_of_row(row)) for row in rows]
    return sorted(progress, key=lambda p: -p.counts.total)


def _organizations_by_counting(today: datetime.date) -> list[OrganizationProgress]:
    """Every organisation that leads items, with them counted per status, most items first
    (equals by acronym). One GROUP BY organisation and status over the lead table joined to
    the items: two counts a row, where a count per status tests every row five times. All
    of them come back, five rows at most each: which come first is known only from the
    totals, after the grouping, so a LIMIT would save no reading anyway."""
    overdue = overdue_q(today, through="led_action_points__")
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
