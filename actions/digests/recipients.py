"""Who gets a weekly digest, and of which kind."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import ActionPoint, DigestKind
from participants.models import Membership, Person

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


@dataclass(frozen=True)
class Recipient:
    person: Person
    kind: str


class _Flags(TypedDict):
    in_core: bool
    is_focal: bool
    leads_open: bool


def _recipient_people(today: datetime.date) -> "QuerySet[WithAnnotations[Person, _Flags]]":
    """Active people in the PWG core group (the whole plan), focal points of an open item
    (their items), and contacts of an organisation that leads an open item (its items),
    with ``in_core``."""
    core = Membership.objects.core_group(today=today).filter(person=OuterRef("pk"))
    focal = ActionPoint.objects.open().filter(focal_points=OuterRef("pk"))
    led = ActionPoint.objects.open().filter(lead_organizations=OuterRef("organization"))
    return (
        Person.objects.active()
        .annotate(in_core=Exists(core), is_focal=Exists(focal), leads_open=Exists(led))
        .filter(Q(in_core=True) | Q(is_focal=True) | Q(is_contact=True, leads_open=True))
        .select_related("organization")
    )


def recipients(today: datetime.date | None = None) -> list[Recipient]:
    """Who gets a digest this week, each once: the core group's kind wins over partner's."""
    people = _recipient_people(today or timezone.localdate())
    return [
        Recipient(p, DigestKind.CORE_GROUP if p.in_core else DigestKind.PARTNER) for p in people
    ]


def recipient_kind(person: Person, today: datetime.date | None = None) -> str | None:
    found = _recipient_people(today or timezone.localdate()).filter(pk=person.pk).first()
    if found is None:
        return None
    return DigestKind.CORE_GROUP if found.in_core else DigestKind.PARTNER


def skip_reason(person: Person) -> str:
    """Why this person gets nothing even though a row was made for them, or ``""``."""
    if not person.is_active or person.left_on is not None:
        return _("left their post")
    if not person.email:
        return _("no e-mail address")
    if not person.digest_enabled:
        return _("digest turned off by the person")
    return ""


def set_digest_enabled(person: Person, enabled: bool) -> None:
    """Turn the person's weekly digest on or off (the settings page, the unsubscribe link).
    A digest already claimed for this week still goes out; the next ones follow the choice."""
    Person.objects.filter(pk=person.pk).update(digest_enabled=enabled)
    person.digest_enabled = enabled
