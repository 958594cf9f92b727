"""Weekly digests: who gets one, and sending each exactly once.

The ledger is ``DigestDelivery``, one row per person per week (a unique constraint), not
the broker. A sender first *claims* the row with a conditional UPDATE (pending, or sending
with an expired lease) that also counts the attempt; only the process whose UPDATE matched
sends, then marks the row sent. So a second run, a second beat, a retried or re-delivered
task finds nothing to claim. What cannot be closed: the SMTP server accepted the message
and the process died before marking it sent; the lease then expires and the message goes
out again, with the same Message-ID (README, "Weekly digests").

What a digest says is in ``actions.digest_content``.
"""

import contextlib
import datetime
import logging
import smtplib
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import forbid_multi_line_headers, sanitize_address
from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import DigestDelivery, DigestKind
from pimtracker.mail import MaybeDelivered

from . import senders
from .claims import (  # noqa: F401  (the claim's rules, used here and by the tasks)
    LEASE,
    MAX_ATTEMPTS,
    RETRY_BACKOFF,
    claim,
    claimable,
    is_claimable,
    record_sent,
    retry_in,
    skip_unwanted,
)
from .email import compose, message_id
from .recipients import recipients
from .snapshot import Snapshot
from .weeks import current_period

logger = logging.getLogger(__name__)

State = DigestDelivery.State

# A pending row handed to the broker is left alone by the sweeper this long.
QUEUED_GRACE = datetime.timedelta(minutes=30)
# How many past weeks the sweeper still delivers: a digest a month late is no news.
SWEEP_WEEKS = 4


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"  # a temporary failure: pending again, after a back-off
    FAILED = "failed"  # a permanent failure, or the last attempt
    UNCERTAIN = "uncertain"  # handed over, the reply lost: maybe sent; never resent by itself
    NOT_CLAIMED = "not claimed"  # sent, being sent elsewhere, or given up: nothing to do


class Failure(StrEnum):
    PERMANENT = "permanent"  # the server refused this message or recipient (5xx)
    TEMPORARY = "temporary"  # 4xx for this message: try it again later
    SERVER = "server"  # unreachable, refused us, bad login: later, and not the next one now
    UNEXPECTED = "unexpected"  # not an e-mail error (a bug): recorded, retried, and raised
    MAYBE_DELIVERED = "maybe delivered"  # the whole message reached the server; no reply


@dataclass(frozen=True)
class Result:
    delivery_id: int
    outcome: Outcome
    detail: str = ""
    retry_in: int | None = None
    stop_batch: bool = False


def _hand_out(rows: QuerySet[DigestDelivery], now: datetime.datetime) -> list[int]:
    """Ids to queue; the sweeper leaves their pending rows to those tasks for a while."""
    # Core group first, then partners by organisation: a batch of partners then shares
    # organisations, and so reads fewer items (``Snapshot.load(whole_plan=False)``).
    core_first = Case(When(kind=DigestKind.CORE_GROUP, then=0), default=1)
    ids = list(
        rows.order_by(core_first, "person__organization_id", "pk").values_list("pk", flat=True)
    )
    DigestDelivery.objects.filter(pk__in=ids, status=State.PENDING).update(
        lease_until=now + QUEUED_GRACE
    )
    return ids


def prepare_week(period: datetime.date, now: datetime.datetime | None = None) -> list[int]:
    """Create the week's rows, one per recipient, and return the ids still to be sent.

    Existing rows keep their kind and state: running it again adds only people who became
    recipients meanwhile, and returns nothing that was sent or is being sent.
    """
    now = now or timezone.now()
    rows = [
        DigestDelivery(
            person=r.person,
            kind=r.kind,
            period=period,
            created_at=now,
            message_id=message_id(r.person.pk, period),
        )
        for r in recipients(timezone.localdate(now))
    ]
    # ON CONFLICT DO NOTHING: a concurrent run creating the same rows is harmless.
    DigestDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return _hand_out(DigestDelivery.objects.filter(claimable(now), period=period), now)


def _weekly_run_due(period: datetime.date, now: datetime.datetime) -> bool:
    """Whether this week's beat (``weekly-digests`` in settings) should have run by now."""
    entry = settings.CELERY_BEAT_SCHEDULE.get("weekly-digests")
    if entry is None or not hasattr(entry["schedule"], "remaining_delta"):
        return False
    monday = datetime.datetime.combine(period, datetime.time(), timezone.get_default_timezone())
    last_run_at, delta, _now = entry["schedule"].remaining_delta(
        monday - datetime.timedelta(minutes=1)
    )
    return last_run_at + delta <= now


def sweep(now: datetime.datetime | None = None) -> list[int]:
    """Deliveries the broker may have lost, this week's and up to ``SWEEP_WEEKS`` back, to
    queue again.

    The broker is not the ledger: a Redis restart loses queued tasks. Returns pending rows
    whose tasks should have run by now (or whose back-off is over) and rows whose sender
    died (lease expired). If this week's fan-out itself was lost, runs it. A row whose last
    attempt was interrupted is "Maybe sent": it may or may not have gone out.
    """
    now = now or timezone.now()
    period = current_period(now)
    fanned_out: list[int] = []
    if not DigestDelivery.objects.filter(period=period).exists() and _weekly_run_due(period, now):
        fanned_out = prepare_week(period, now)  # handed out already: the past weeks remain
    recent = DigestDelivery.objects.filter(
        period__gte=period - datetime.timedelta(weeks=SWEEP_WEEKS), period__lte=period
    )
    recent.filter(status=State.SENDING, lease_until__lt=now, attempts__gte=MAX_ATTEMPTS).update(
        status=State.UNCERTAIN,
        lease_until=None,
        error=_("The last attempt was interrupted; the message may or may not have gone out."),
    )
    due = recent.filter(claimable(now)).filter(
        Q(status=State.SENDING) | Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    )
    if fanned_out:
        due = due.exclude(period=period)
    return fanned_out + _hand_out(due, now)


def classify(exc: Exception) -> Failure:
    if isinstance(exc, MaybeDelivered):
        return Failure.MAYBE_DELIVERED
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return Failure.PERMANENT if codes and min(codes) >= 500 else Failure.TEMPORARY
    if isinstance(exc, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused):
        # Our configuration, not this message: fixed, the next run delivers.
        return Failure.SERVER
    if isinstance(exc, smtplib.SMTPConnectError | ConnectionRefusedError):
        return Failure.SERVER  # cannot connect: the next message would fail the same way
    if isinstance(exc, smtplib.SMTPResponseException):
        return Failure.PERMANENT if exc.smtp_code >= 500 else Failure.TEMPORARY
    if isinstance(exc, OSError):
        # Reset, timed out, disconnected while this message was on its way: its own retry;
        # the next message reconnects, and stops the batch if the server is really gone.
        return Failure.TEMPORARY
    return Failure.UNEXPECTED


def _record_failure(delivery: DigestDelivery, exc: Exception, failure: Failure) -> Result:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if failure == Failure.MAYBE_DELIVERED:
        # Sending again could deliver it twice: a coordinator decides, from the log.
        error = _(
            "The server received the message but its reply was lost (%(error)s): it may "
            "have been delivered. Resend it from the delivery log if the person did not get it."
        ) % {"error": error}
        DigestDelivery.objects.filter(pk=delivery.pk).update(
            status=State.UNCERTAIN, lease_until=None, error=error[:2000]
        )
        logger.warning("Digest delivery %s may have been delivered: %s", delivery.pk, error)
        return Result(delivery.pk, Outcome.UNCERTAIN, error)
    if failure != Failure.PERMANENT and delivery.attempts < MAX_ATTEMPTS:
        wait = retry_in(delivery.attempts)
        # No claim takes the row before ``retry_after``; the sweeper queues it then.
        retry_at = timezone.now() + datetime.timedelta(seconds=wait)
        DigestDelivery.objects.filter(pk=delivery.pk).update(
            status=State.PENDING, lease_until=retry_at, retry_after=retry_at, error=error
        )
        result = Result(delivery.pk, Outcome.RETRY, error, wait, failure == Failure.SERVER)
    else:
        DigestDelivery.objects.filter(pk=delivery.pk).update(
            status=State.FAILED, lease_until=None, error=error
        )
        result = Result(delivery.pk, Outcome.FAILED, error, None, failure == Failure.SERVER)
    logger.warning(
        "Digest delivery %s (attempt %s) %s: %s", delivery.pk, delivery.attempts, failure, error
    )
    return result


def unusable_recipient(message: EmailMessage) -> str:
    """Why no SMTP server could be asked to deliver this message (a line break in the
    person's name, an address that is not one), or "". Checked before sending, as the backend
    would check it, so that one person's bad data fails their delivery and not the batch."""
    encoding = message.encoding or settings.DEFAULT_CHARSET
    try:
        for address in message.recipients():
            sanitize_address(address, encoding)
        forbid_multi_line_headers("To", ", ".join(message.to), encoding)
    except ValueError as exc:  # BadHeaderError is a ValueError
        return str(exc)
    return ""


def _record_unusable(delivery: DigestDelivery, problem: str) -> Result:
    error = (
        _("The address or name cannot be used in an e-mail: %(problem)s") % {"problem": problem}
    )[:2000]
    DigestDelivery.objects.filter(pk=delivery.pk).update(
        status=State.FAILED, lease_until=None, error=error
    )
    logger.warning("Digest delivery %s failed: %s", delivery.pk, error)
    return Result(delivery.pk, Outcome.FAILED, error)


def deliver(
    delivery_id: int,
    *,
    connection: BaseEmailBackend | None = None,
    snapshot: Snapshot | None = None,
    loaded: DigestDelivery | None = None,
) -> Result:
    """Send one delivery if this process can claim it, and record what happened.

    ``NOT_CLAIMED``: already sent, being sent by a live process, or given up. ``SKIPPED``
    (nothing sent): the person left, has no address, turned the digest off, or (partner)
    has nothing open and nothing changed. ``RETRY``: a temporary error; the row is pending
    again with the error and a back-off. ``FAILED``: a permanent error or the last attempt.
    An error that is not about e-mail is recorded like a temporary one, then raised.

    ``loaded``: the row with its person, read by the caller (a batch reads them all at
    once); it is claimed only if nobody touched it since, so it need not be read again.
    """
    if loaded is not None:
        if not claim(delivery_id, attempts=loaded.attempts):
            return Result(delivery_id, Outcome.NOT_CLAIMED)  # the batch skips the unwanted
        delivery = loaded
        delivery.attempts += 1
    elif claim(delivery_id):
        delivery = DigestDelivery.objects.select_related("person__organization").get(pk=delivery_id)
    elif skip_unwanted([delivery_id]):
        return Result(delivery_id, Outcome.SKIPPED)
    else:
        return Result(delivery_id, Outcome.NOT_CLAIMED)
    person = delivery.person
    # The claim checked, at this moment, that the person still wants the digest.
    reason = ""
    connecting = False
    try:
        snapshot = snapshot or Snapshot.load(
            period=delivery.period,
            people=[person.pk],
            whole_plan=delivery.kind == DigestKind.CORE_GROUP,
        )
        composed = compose(
            person=person, kind=delivery.kind, period=delivery.period, snapshot=snapshot
        )
        if delivery.kind == DigestKind.PARTNER and not composed.digest.has_news:
            reason = _("nothing open and nothing changed")
        else:
            if isinstance(connection, SMTPBackend):
                connecting = True
                connection.open()  # kept open for the batch: send_messages won't close it
                connecting = False
            message = composed.message()
            if delivery.message_id:  # the row's, even if the recipe changed meanwhile
                message.extra_headers["Message-ID"] = delivery.message_id
            problem = unusable_recipient(message)
            if problem:
                return _record_unusable(delivery, problem)
            (connection or get_connection()).send_messages([message])
    except Exception as exc:
        if isinstance(connection, SMTPBackend):
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()  # the next message starts on a fresh connection
        # Only a server that cannot be reached stops the batch.
        failure = Failure.SERVER if connecting else classify(exc)
        result = _record_failure(delivery, exc, failure)
        if failure == Failure.UNEXPECTED:
            raise
        return result
    if reason:
        DigestDelivery.objects.filter(pk=delivery.pk).update(
            status=State.SKIPPED, lease_until=None, error=reason
        )
        return Result(delivery.pk, Outcome.SKIPPED, reason)
    record_sent(delivery.pk)
    return Result(delivery.pk, Outcome.SENT)


def resend(delivery_id: int) -> bool:
    """A coordinator's decision to send again a delivery that may have gone out (or that
    failed): pending again, for one more attempt. False if it is not in such a state, such as
    a row resent already: the caller queues it only when this returns True."""
    return bool(
        DigestDelivery.objects.filter(
            pk=delivery_id, status__in=[State.UNCERTAIN, State.FAILED]
        ).update(
            status=State.PENDING,
            lease_until=None,
            retry_after=None,
            attempts=Least(F("attempts"), MAX_ATTEMPTS - 1),
            error=_("Sent again by a coordinator."),
        )
    )


def deliver_batch(ids: list[int], *, period: datetime.date) -> list[Result]:
    """``deliver`` each, reading the data once, each sender (``senders``: a few threads on
    PostgreSQL) over one SMTP connection of its own. A message that fails for now gets its
    own retry (``retry_after``) and the batch goes on, reconnecting; only a server that
    cannot be reached (or refuses our login) stops it, and the rest stay pending. Rows whose
    person stopped wanting the digest meanwhile (unsubscribed, left) are refused by their
    claim and skipped at the end, in one go. Results in the order of ``ids``."""
    rows = DigestDelivery.objects.select_related("person__organization").in_bulk(ids)
    snapshot = Snapshot.load(
        period=period,
        people=[row.person_id for row in rows.values()],
        whole_plan=any(row.kind == DigestKind.CORE_GROUP for row in rows.values()),
    )
    handled = senders.send_all(
        ids,
        lambda pk, connection: deliver(
            pk, connection=connection, snapshot=snapshot, loaded=rows.get(pk)
        ),
        stops=lambda result: result.stop_batch,
        threads=senders.sender_count(DigestDelivery.objects.db),
    )
    results = [handled[pk] for pk in ids if pk in handled]
    if any(r.stop_batch for r in results):
        # The server is down: the rest wait as a retry would (not the sweeper's 30-minute
        # grace for queued rows), so the first sweep after a minute sends them.
        retry_at = timezone.now() + datetime.timedelta(seconds=RETRY_BACKOFF[0])
        rest = [pk for pk in ids if pk not in handled]
        DigestDelivery.objects.filter(claimable(timezone.now()), pk__in=rest).update(
            lease_until=retry_at, retry_after=retry_at
        )
    not_claimed = [r.delivery_id for r in results if r.outcome == Outcome.NOT_CLAIMED]
    skipped = set(skip_unwanted(not_claimed)) if not_claimed else set()
    return [
        Result(r.delivery_id, Outcome.SKIPPED) if r.delivery_id in skipped else r for r in results
    ]
