"""Celery tasks: thin wrappers around ``actions.digests``, which holds the rules.

``send_weekly_digests`` (beat, Monday 07:00 site time) fans out one ``send_digest`` per
recipient; ``sweep_deliveries`` (beat, every 15 minutes) queues again what the broker may
have lost. Every task is safe to run twice: the ``DigestDelivery`` claim decides who sends.
"""

import logging

from celery import shared_task

from . import digests
from .digest_content import current_period, parse_week, week_label

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_weekly_digests(week: str | None = None) -> int:
    """Create the week's deliveries (``YYYY-Www``, default this week in site time) and queue
    one ``send_digest`` each for those not sent yet. Returns how many were queued."""
    period = parse_week(week) if week else current_period()
    ids = digests.prepare_week(period)
    for pk in ids:
        send_digest.delay(pk)
    logger.info("Digests for %s: %d queued", week_label(period), len(ids))
    return len(ids)


# The hard time limit stays below digests.LEASE, so a live sender never outlives its claim.
@shared_task(
    bind=True,
    ignore_result=True,
    max_retries=digests.MAX_ATTEMPTS,
    soft_time_limit=240,
    time_limit=300,
)
def send_digest(self, delivery_id: int) -> str:
    result = digests.deliver(delivery_id)
    # In-process (no broker) a retry would run at once, hammering a server that is down:
    # the next run or sweep picks the row up instead.
    if result.outcome == digests.Outcome.RETRY and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(ignore_result=True)
def sweep_deliveries() -> int:
    """Queue again this week's deliveries that are due and unsent (the broker forgets)."""
    ids = digests.sweep()
    for pk in ids:
        send_digest.delay(pk)
    if ids:
        logger.info("Digest sweep: %d queued again", len(ids))
    return len(ids)
