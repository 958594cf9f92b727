"""Sending instant notices: at most one e-mail per person every ``EVERY``, each exactly once.

A run first writes the "falls due in 3 days" notices, then *gathers*: for each person with
waiting notices and no notice e-mail in the last ``EVERY``, one ``NoticeDelivery`` takes
their waiting notices (a conditional UPDATE of notices still without one, so two runs never
put a notice in two e-mails). Each delivery is then *claimed* before it is sent, with the
digests' pattern: a conditional UPDATE (pending, or sending with an expired lease) that
counts the attempt; only the process whose UPDATE matched sends. A second run, a second
beat, a retried task find nothing. The window that remains is the digests' one: the server
took the message and the process died before marking it sent.
"""

import contextlib
import datetime
import logging
import secrets
import smtplib
from dataclasses import dataclass

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.emails import mail_domain
from pimtracker.mail import MaybeDelivered

from .email import compose
from .models import Notice, NoticeDelivery
from .outbox import collect_due_soon

logger = logging.getLogger(__name__)

State = NoticeDelivery.State

EVERY = datetime.timedelta(minutes=15)  # at most one notice e-mail per person this often
LEASE = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Result:
    delivery_id: int
    outcome: str  # a NoticeState value, or "not claimed"
    detail: str = ""


def _claimable(now: datetime.datetime) -> Q:
    return Q(attempts__lt=MAX_ATTEMPTS) & (
        Q(status=State.PENDING) | Q(status=State.SENDING, lease_until__lt=now)
    )


def claim(delivery_id: int, now: datetime.datetime | None = None) -> bool:
    """Take the delivery for sending, atomically; of two callers only one matches."""
    now = now or timezone.now()
    return bool(
        NoticeDelivery.objects.filter(_claimable(now), pk=delivery_id).update(
            status=State.SENDING, lease_until=now + LEASE, attempts=F("attempts") + 1
        )
    )


def gather(now: datetime.datetime | None = None) -> list[int]:
    """Write today's "falls due in 3 days" notices, put each person's waiting notices into
    one delivery (unless they had one in the last ``EVERY``), and return the ids of the
    deliveries to send now."""
    now = now or timezone.now()
    collect_due_soon(timezone.localdate(now))
    waiting = set(
        Notice.objects.filter(delivery__isnull=True).values_list("person", flat=True).distinct()
    )
    recent = set(
        NoticeDelivery.objects.filter(person__in=waiting, created_at__gt=now - EVERY).values_list(
            "person", flat=True
        )
    )
    for person_id in sorted(waiting - recent):
        with transaction.atomic():
            delivery = NoticeDelivery.objects.create(
                person_id=person_id,
                created_at=now,
                message_id=f"<notice.{secrets.token_hex(10)}@{mail_domain()}>",
            )
            taken = Notice.objects.filter(person_id=person_id, delivery__isnull=True).update(
                delivery=delivery
            )
            if not taken:  # a concurrent run took them first
                transaction.set_rollback(True)
    return list(
        NoticeDelivery.objects.filter(_claimable(now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def _skip_reason(delivery: NoticeDelivery) -> str:
    person = delivery.person
    if not person.is_active or person.left_on is not None:
        return _("left their post")
    if not person.email:
        return _("no e-mail address")
    return ""


def _finish(delivery: NoticeDelivery, status: str, error: str = "") -> Result:
    NoticeDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        lease_until=None,
        error=error[:2000],
        sent_at=timezone.now() if status == State.SENT else None,
    )
    return Result(delivery.pk, status, error)


def deliver(delivery_id: int, *, connection: BaseEmailBackend | None = None) -> Result:
    """Send one delivery if this process can claim it, and record what happened."""
    if not claim(delivery_id):
        return Result(delivery_id, "not claimed")
    delivery = NoticeDelivery.objects.select_related("person__organization").get(pk=delivery_id)
    reason = _skip_reason(delivery)
    notices = list(
        delivery.notices.select_related("action_point", "entry").order_by("created_at", "pk")
    )
    if not reason and not notices:
        reason = _("nothing to tell")
    if reason:
        return _finish(delivery, State.SKIPPED, reason)
    try:
        message = compose(person=delivery.person, notices=notices, message_id=delivery.message_id)
        (connection or get_connection()).send_messages([message])
    except MaybeDelivered as exc:
        return _finish(delivery, State.UNCERTAIN, f"{type(exc).__name__}: {exc}")
    except (smtplib.SMTPException, OSError) as exc:
        if isinstance(connection, SMTPBackend):
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()
        error = f"{type(exc).__name__}: {exc}"
        permanent = isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500
        if permanent or delivery.attempts >= MAX_ATTEMPTS:  # counted by the claim
            return _finish(delivery, State.FAILED, error)
        # Pending again: the next run (at most 15 minutes away) tries once more.
        logger.warning("Notice delivery %s: %s", delivery.pk, error)
        return _finish(delivery, State.PENDING, error)
    return _finish(delivery, State.SENT)


def send_notices(now: datetime.datetime | None = None) -> list[Result]:
    """One run: gather, then send each delivery over one connection."""
    ids = gather(now)
    if not ids:
        return []
    connection = get_connection()
    shared = connection if isinstance(connection, SMTPBackend) else None
    if shared is not None:
        try:
            shared.open()
        except (smtplib.SMTPException, OSError) as exc:
            # Nothing was claimed: the deliveries stay pending for the next run.
            logger.warning("Notices not sent, the mail server is unreachable: %s", exc)
            return []
    try:
        return [deliver(pk, connection=shared) for pk in ids]
    finally:
        if shared is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                shared.close()
