"""Reads for the people, access and organisation pages; each returns what one page shows.

The organisation pages count the items each organisation leads with the action points' own
progress rules, so they count as the dashboard does."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from actions import permissions, progress_counts
from actions.models import ActionPoint
from actions.permissions import User
from actions.progress import StatusCounts, counts_of_row
from actions.selectors import OrganizationProgress, item_table_rows

from .models import AccessChange, Event, Organization, Participation, Person
from .roles import COORDINATORS, VIEWERS


def get_person_for_coordinator(user: User, pk: int) -> Person:
    """The person, for a coordinator; 403 for anyone else, 404 for no such person.

    The permission is checked first, so other roles cannot even learn who exists.
    """
    permissions.require_coordinator(user)
    person = Person.objects.select_related("organization", "user").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def _in_group(name: str) -> Exists:
    through = get_user_model().groups.through
    return Exists(through.objects.filter(user_id=OuterRef("user_id"), group__name=name))


def people_for_list(*, organization: str = "", role: str = "", state: str = "") -> QuerySet[Person]:
    """Everyone, filtered by organisation acronym, role and state (active, left, inactive);
    with their organisation, account and the account's groups, in a fixed number of queries."""
    people = (
        Person.objects.select_related("organization", "user")
        .prefetch_related("user__groups")
        .order_by("last_name", "first_name", "pk")
    )
    if organization:
        people = people.filter(organization__acronym=organization)
    coordinator = Q(in_coordinators=True) | Q(user__is_superuser=True)
    if role:
        people = people.annotate(
            in_coordinators=_in_group(COORDINATORS), in_viewers=_in_group(VIEWERS)
        )
        if role == "coordinator":
            people = people.filter(coordinator)
        elif role == "viewer":
            people = people.filter(in_viewers=True).exclude(coordinator)
        elif role == "partner":
            people = people.filter(user__isnull=False, in_viewers=False).exclude(coordinator)
        elif role == "none":
            people = people.filter(user__isnull=True)
    if state == "active":
        people = people.filter(is_active=True, left_on__isnull=True)
    elif state == "left":
        people = people.filter(left_on__isnull=False)
    elif state == "inactive":
        people = people.filter(is_active=False, left_on__isnull=True)
    return people


def access_log() -> QuerySet[AccessChange]:
    return AccessChange.objects.order_by("-at", "-pk")


def person_page(person: Person) -> dict:
    """What /people/<id>/ shows besides the person: their items, deliveries, access changes."""
    from actions.models import ActionPoint, DigestDelivery

    focal_items = list(
        ActionPoint.objects.filter(focal_points=person).order_by("plan_id", "code")[:200]
    )
    deliveries = list(DigestDelivery.objects.filter(person=person).order_by("-period")[:10])
    changes = list(person.access_changes.order_by("-at", "-pk")[:20])
    return {"focal_items": focal_items, "deliveries": deliveries, "changes": changes}


# The page shows this many of the items an organisation leads, and links to the list for all.
ORGANIZATION_ITEMS_LIMIT = 50


def organizations_with_counts(today: datetime.date, q: str = "") -> QuerySet[Organization]:
    """Every organisation with its led items counted per status (one query a page; on
    PostgreSQL read from the counts kept on change, actions/progress_counts.py)."""
    queryset = Organization.objects.annotate(
        **progress_counts.count_annotations("organization", today)
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
    query), its current staff (one query): not people known only from an event's report."""
    counted = organizations_with_counts(today).get(pk=organization.pk)
    items = list(item_table_rows().filter(lead_organizations=organization).report_order()[:limit])
    people = list(organization.people.current_staff().order_by("last_name", "first_name"))
    return OrganizationPage(
        organization=organization, items=items, counts=counts_of_row(counted), people=people
    )


# --- Data responsibility: people as an event's report gives them -----------------------


@dataclass
class EventPeople:
    """The trainers and participants of the event a plan was agreed at, in the report's
    order, for the plan's page: that is where they belong, not among current staff."""

    event: Event
    name: str
    trainers: list[Participation]
    participants: list[Participation]


def event_people(event: Event | None) -> EventPeople | None:
    """One query: the event's participations with their people and organisations."""
    if event is None:
        return None
    rows = list(event.participations.select_related("person__organization").order_by("pk"))
    trainers = [r for r in rows if r.role == Participation.Role.TRAINER]
    return EventPeople(
        event=event,
        name=_event_name(event),
        trainers=trainers,
        participants=[r for r in rows if r.role != Participation.Role.TRAINER],
    )


def _event_name(event: Event) -> str:
    # What the report and its readers call it; a long formal title reads badly in a heading.
    title = event.title.lower()
    if "protection information management" in title and "training" in title:
        return _("PIM training")
    return event.title
