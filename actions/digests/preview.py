"""What a week's run, or one person's digest, would be if sent now: for the command's
``--dry-run`` and the coordinators' preview. Reads only; writes nothing."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import DigestDelivery, DigestKind
from participants.models import Person

from .content import build_digest
from .delivery import is_claimable
from .email import Composed, compose
from .recipients import recipient_kind, recipients, skip_reason
from .snapshot import Snapshot


@dataclass(frozen=True)
class Planned:
    person: Person
    kind: str
    action: str


def dry_run(period: datetime.date) -> list[Planned]:
    """What ``prepare_week`` and ``deliver_batch`` would do for the week, writing nothing."""
    rows = {
        d.person_id: d
        for d in DigestDelivery.objects.filter(period=period).select_related("person__organization")
    }
    people = {r.person.pk: (r.person, r.kind) for r in recipients()}
    people.update({pk: (d.person, d.kind) for pk, d in rows.items()})
    snapshot = Snapshot.load(period=period, people=people)
    now = timezone.now()
    planned = []
    for pk, (person, kind) in sorted(people.items(), key=lambda p: p[1][0].full_name):
        row = rows.get(pk)
        if row is not None and not is_claimable(row, now):
            action = _("nothing to do: %(status)s") % {"status": row.get_status_display()}
        elif reason := skip_reason(person):
            action = _("skip: %(reason)s") % {"reason": reason}
        elif (
            kind == DigestKind.PARTNER
            and not build_digest(
                person=person, kind=kind, period=period, snapshot=snapshot
            ).has_news
        ):
            action = _("skip: nothing open and nothing changed")
        else:
            action = _("send")
        planned.append(Planned(person, kind, action))
    return planned


@dataclass(frozen=True)
class Preview:
    kind: str | None
    composed: Composed | None
    not_sent_because: str  # "" when it would go out
    delivery: DigestDelivery | None


def preview(person: Person, period: datetime.date) -> Preview:
    """The digest this person would get for the week if it were sent now, and whether."""
    delivery = DigestDelivery.objects.filter(person=person, period=period).first()
    kind = delivery.kind if delivery else recipient_kind(person)
    if kind is None:
        reason = _(
            "not in the core group, focal point of no open item, and not the contact of an "
            "organisation that leads one"
        )
        return Preview(None, None, reason, None)
    snapshot = Snapshot.load(
        period=period, people=[person.pk], whole_plan=kind == DigestKind.CORE_GROUP
    )
    composed = compose(person=person, kind=kind, period=period, snapshot=snapshot)
    reason = skip_reason(person)
    if not reason and kind == DigestKind.PARTNER and not composed.digest.has_news:
        reason = _("nothing open and nothing changed")
    return Preview(kind, composed, reason, delivery)
