"""Through a real Celery worker on a real Redis broker: two calls for the same week give one
e-mail per recipient.

The worker is a subprocess, so it must share the test database: that needs PostgreSQL (an
in-memory SQLite test database lives in this process only) and committed data
(``transactional_db``). It sends to an aiosmtpd server started here.
"""

import pytest

from actions.digests.weeks import current_period, week_label
from actions.models import DigestDelivery
from tests.actions.digests import scenario as s
from tests.celery_worker import celery_worker, own_redis_db, succeeded

from .test_smtp import SMTPServer

pytestmark = pytest.mark.services

# A Redis database of this test's own: it purges its queue before starting.
WORKER_REDIS_DB = 5
WORK_TIMEOUT = 60  # seconds for the tasks to run


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def test_two_calls_for_the_same_week_through_a_real_worker_send_one_email_each(
    transactional_db,
    redis_url,
    smtp_server,
    plan,
    organizations,
    coordinator,
    tmp_path,
    monkeypatch,
):
    s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    broker_url = own_redis_db(redis_url, WORKER_REDIS_DB)
    with celery_worker(
        broker_url, tmp_path, monkeypatch, EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}"
    ) as worker:
        week = week_label(current_period())
        for _call in range(2):  # a second beat, a rerun, a duplicate message
            worker.client.send_task("actions.tasks.send_weekly_digests", kwargs={"week": week})

        def all_done() -> bool:
            log = worker.log
            fan_outs = succeeded(log, "send_weekly_digests")
            queued = sum(int(n) for n in fan_outs)
            handled = sum(int(n) for n in succeeded(log, "send_digest_batch"))
            return len(fan_outs) == 2 and handled == queued

        worker.wait_for(all_done, WORK_TIMEOUT)

    assert smtp_server.inbox.to == [
        "Coordinator Demo <coordinator.demo@example.org>",
        "Dana Core <dana.core@example.org>",
        "Ivo Focal <ivo.focal@example.org>",
    ]
    period = current_period()
    rows = DigestDelivery.objects.filter(period=period)
    # One attempt per digest sent; Nora, who has no address, is skipped without one.
    assert sorted(rows.values_list("status", "attempts")) == [
        ("sent", 1),
        ("sent", 1),
        ("sent", 1),
        ("skipped", 0),
    ]
