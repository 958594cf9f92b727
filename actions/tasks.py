"""Celery tasks: thin wrappers around ``actions.digests``, which holds the rules.

``send_weekly_digests`` (beat, Monday 07:00 site time) fans out ``send_digest_batch`` tasks
of up to ``BATCH_SIZE`` recipients; ``sweep_deliveries`` (beat, every 15 minutes) queues
again what the broker may have lost; ``send_digest`` retries one delivery after its back-off.
Every task is safe to run twice: the ``DigestDelivery`` claim decides who sends.
"""

import datetime
import logging
from collections import Counter

from celery import shared_task
from django.utils import timezone

from .digests import delivery
from .digests.weeks import current_period, parse_week, week_label
from .models import DigestDelivery
from .notices import delivery as notices

# Background imports: named here so that the worker, which loads this module, knows the task.
from .spreadsheets.tasks import apply_spreadsheet_import  # noqa: F401

logger = logging.getLogger(__name__)

# Batches, not one task per recipient: a batch reads what its digests show once (the whole
# plan only if a core-group member is in it) and keeps
# one SMTP connection open for all its messages.
BATCH_SIZE = 200


def queue_batches(ids: list[int], period: datetime.date) -> None:
    for start in range(0, len(ids), BATCH_SIZE):
        send_digest_batch.delay(ids[start : start + BATCH_SIZE], period.isoformat())


@shared_task(ignore_result=True)
def send_weekly_digests(week: str | None = None) -> int:
    """Create the week's deliveries (``YYYY-Www``, default this week in site time) and queue
    those not sent yet, in batches. Returns how many deliveries were queued."""
    period = parse_week(week) if week else current_period()
    ids = delivery.prepare_week(period)
    queue_batches(ids, period)
    logger.info("Digests for %s: %d queued", week_label(period), len(ids))
    return len(ids)


# Each message is claimed just before it is sent, so the claim's lease (delivery.LEASE) has
# to outlast one message, not the batch: the limits only bound a stuck batch. The broker's
# visibility timeout must exceed them (tests/test_celery.py).
@shared_task(ignore_result=True, soft_time_limit=20 * 60, time_limit=21 * 60)
def send_digest_batch(delivery_ids: list[int], period: str) -> int:
    """Send the batch over one connection. A delivery that failed for now is retried on its
    own after its back-off; those the batch did not reach (the server went down) stay
    pending for the sweep. Returns how many deliveries it handled."""
    results = delivery.deliver_batch(delivery_ids, period=datetime.date.fromisoformat(period))
    # In-process (no broker) a retry would run at once: the next run or sweep picks it up.
    if not send_digest_batch.request.is_eager:
        for result in results:
            if result.outcome == delivery.Outcome.RETRY:
                # The stubs refuse None, Celery's own default; a retry always has its delay.
                send_digest.apply_async(
                    (result.delivery_id,),
                    countdown=result.retry_in,  # type: ignore[arg-type]
                )
    logger.info("Digest batch: %s", dict(Counter(str(r.outcome) for r in results)))
    return len(results)


# The hard time limit stays below delivery.LEASE, so a live sender never outlives its claim.
@shared_task(
    bind=True,
    ignore_result=True,
    max_retries=delivery.MAX_ATTEMPTS,
    soft_time_limit=240,
    time_limit=300,
)
def send_digest(self, delivery_id: int) -> str:
    result = delivery.deliver(delivery_id)
    # In-process (no broker) a retry would run at once, hammering a server that is down:
    # the next run or sweep picks the row up instead.
    if result.outcome == delivery.Outcome.RETRY and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(ignore_result=True)
def sweep_deliveries() -> int:
    """Queue again the deliveries that are due and unsent (the broker forgets)."""
    ids = delivery.sweep(timezone.now())
    # Each week's rows in batches of their own: a batch reads the week it reports on.
    period_of = dict(DigestDelivery.objects.filter(pk__in=ids).values_list("pk", "period"))
    weeks: dict[datetime.date, list[int]] = {}
    for pk in ids:  # in the sweep's order: core group first, then by organisation
        weeks.setdefault(period_of[pk], []).append(pk)
    for period, week_ids in sorted(weeks.items()):
        queue_batches(week_ids, period)
    if ids:
        logger.info("Digest sweep: %d queued again", len(ids))
    return len(ids)


# Instant notices (issue 15): beat, every 15 minutes; the claim decides who sends.
@shared_task(ignore_result=True, soft_time_limit=8 * 60, time_limit=9 * 60)
def send_notices() -> int:
    """Gather the waiting notices into one e-mail per person and send them. Returns how
    many e-mails this run handled."""
    results = notices.send_notices()
    if results:
        logger.info("Notices: %s", dict(Counter(r.outcome for r in results)))
    return len(results)
