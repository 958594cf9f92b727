"""The weekly digests under faults, through a real Celery worker on Redis and a real SMTP
server (aiosmtpd) that misbehaves on purpose: down when the week starts, then answering
451 to every tenth message. Every recipient gets exactly one digest, none twice, and the
week settles within a bounded number of sweeps.

The worker runs on the real clock while the back-offs are minutes long: between two sweeps
the test moves the waiting rows' times into the past, as the minutes between two sweeps
would. Everything else (claims, batches, retries, reconnections) is the worker's own.
"""

import datetime
import math

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from actions.digests.weeks import current_period, week_label
from actions.models import ActionPoint, DigestDelivery
from participants.models import Membership, Organization, Person
from tests.celery_worker import celery_worker, succeeded
from tests.factories import ActionPointFactory, ForumFactory

from .test_smtp import Inbox, SMTPServer

pytestmark = pytest.mark.services

RECIPIENTS = 300
EVERY = 10  # the server answers 451 to every tenth message it is handed
MAX_SWEEPS = 5
WORK_TIMEOUT = 45  # seconds a fan-out or a sweep may take before the test fails
BATCH = 200  # actions.tasks.BATCH_SIZE


class Grudging(Inbox):
    """Keeps what it accepts; refuses every tenth message for now (451)."""

    def __init__(self) -> None:
        super().__init__()
        self.handed = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        self.handed += 1
        if self.handed % EVERY == 0:
            self.refused += 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


def core_group(plan, size: int) -> list[str]:
    """``size`` people in the PWG core group, and an open item so the digest has news."""
    org = Organization.objects.create(acronym="FLT", name="Fault Test")
    pwg = ForumFactory(acronym="PWG", name="Protection Working Group")
    people = Person.objects.bulk_create(
        Person(first_name="Core", last_name=f"M{i:04d}", organization=org,
               email=f"core.m{i:04d}@example.org")
        for i in range(size)
    )  # fmt: skip
    Membership.objects.bulk_create(
        Membership(person=p, forum=pwg, role=Membership.Role.CORE) for p in people
    )
    ActionPointFactory(area=plan.areas.get(code="A"), code="A-1", title="Agree the terms")
    assert ActionPoint.objects.count() == 1
    return sorted(p.email for p in people)


def settle(worker, task: str, before: int) -> int:
    """Wait until ``task`` ran once more than ``before`` times and every batch queued so far
    (by the fan-out and the sweeps) ran; returns how many rows that run of ``task`` queued."""
    worker.wait_for(lambda: len(succeeded(worker.log, task)) > before, WORK_TIMEOUT)
    queued = [
        int(n)
        for name in ("send_weekly_digests", "sweep_deliveries")
        for n in succeeded(worker.log, name)
    ]
    batches = sum(math.ceil(n / BATCH) for n in queued)
    worker.wait_for(
        lambda: len(succeeded(worker.log, "send_digest_batch")) >= batches, WORK_TIMEOUT
    )
    return int(succeeded(worker.log, task)[-1])


def test_every_recipient_gets_one_digest_through_a_server_down_then_refusing(
    transactional_db, redis_url, plan, tmp_path, monkeypatch
):
    addresses = core_group(plan, RECIPIENTS)
    server = SMTPServer()
    server.inbox = Grudging()
    period = current_period()
    rows = DigestDelivery.objects.filter(period=period)
    with celery_worker(
        redis_url, tmp_path, monkeypatch,
        EMAIL_URL=f"smtp://127.0.0.1:{server.port}", EMAIL_TIMEOUT="5",
    ) as worker:  # fmt: skip
        # Monday 07:00, and nothing listens on the SMTP port.
        worker.client.send_task(
            "actions.tasks.send_weekly_digests", kwargs={"week": week_label(period)}
        )
        assert settle(worker, "send_weekly_digests", 0) == RECIPIENTS
        # Each sender of each batch stopped at its first message (one attempt each), and
        # left the rest untried; nobody marked sent.
        assert rows.count() == RECIPIENTS
        attempts = list(rows.values_list("attempts", flat=True))
        batches = math.ceil(RECIPIENTS / BATCH)
        assert set(attempts) == {0, 1}
        assert batches <= attempts.count(1) <= batches * settings.DIGEST_SENDERS
        assert not rows.exclude(status=DigestDelivery.State.PENDING).exists()

        server.start()  # the server is back, and refuses every tenth message
        try:
            sweeps = 0
            while rows.exclude(status=DigestDelivery.State.SENT).exists():
                assert sweeps < MAX_SWEEPS, list(rows.values_list("status", "error")[:5])
                # The minutes until the next sweep go by: every wait is over.
                past = timezone.now() - datetime.timedelta(seconds=1)
                rows.filter(status=DigestDelivery.State.PENDING).update(
                    retry_after=past, lease_until=past
                )
                worker.client.send_task("actions.tasks.sweep_deliveries")
                settle(worker, "sweep_deliveries", sweeps)
                sweeps += 1
        finally:
            server.stop()

    received = sorted(str(m["To"]).split("<")[1].rstrip(">") for m in server.inbox.messages)
    assert received == addresses  # everyone, each once
    assert server.inbox.refused >= RECIPIENTS // EVERY  # the faults happened
    assert sweeps <= 4
    assert connection.vendor == "postgresql"
