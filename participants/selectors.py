"""Read queries for the organisation pages: every organisation with the items it leads
counted, and one organisation's page. Counts and rows come from the action points' own
selectors and progress rules, so these pages count as the dashboard does."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from actions import permissions
from actions.models import ActionPoint
from actions.permissions import User
from actions.progress import StatusCounts, counts_of_row, status_count_annotations
from actions.selectors import OrganizationProgress, item_table_rows

from .models import Organization, Person

# The page shows this many of the items an organisation leads, and links to the list for all.
ORGANIZATION_ITEMS_LIMIT = 50


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
    items = list(item_table_rows().filter(lead_organizations=organization).report_order()[:limit])
    people = list(organization.people.active().order_by("last_name", "first_name"))
    return OrganizationPage(
        organization=organization, items=items, counts=counts_of_row(counted), people=people
    )
