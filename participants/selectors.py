"""Reads for the people and access pages; each returns what one page shows."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from actions import permissions
from actions.permissions import User

from .models import AccessChange, Person
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
