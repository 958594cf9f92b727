"""Through a real Celery worker on a real Redis broker: a comment from IOM on an ACTED item
reaches ACTED's contact once, however many times the beat task runs.

As for the digests' worker test, the worker is a subprocess sharing the test database, so
this needs PostgreSQL and committed data (``transactional_db``)."""

import pytest

from actions import comments
from actions.models import NoticeDelivery
from tests.actions.digests.test_smtp import SMTPServer
from tests.celery_worker import celery_worker, own_redis_db, succeeded

pytestmark = pytest.mark.services

# A Redis database of this test's own (the digests' worker test uses 5).
WORKER_REDIS_DB = 4
TIMEOUT = 60  # seconds, to work


def test_a_comment_reaches_the_contact_once_through_a_real_worker(
    transactional_db,
    redis_url,
    partner_iom,
    acted_contact,
    acted_item,
    tmp_path,
    monkeypatch,
):
    server = SMTPServer()
    server.start()
    comments.add_comment(action_point=acted_item, by=partner_iom.user, text="IOM can help.")
    broker_url = own_redis_db(redis_url, WORKER_REDIS_DB)
    try:
        with celery_worker(
            broker_url, tmp_path, monkeypatch, EMAIL_URL=f"smtp://127.0.0.1:{server.port}"
        ) as worker:
            for _beat in range(2):  # two beats, or a rerun
                worker.client.send_task("actions.tasks.send_notices")
            worker.wait_for(lambda: len(succeeded(worker.log, "send_notices")) == 2, TIMEOUT)
            log = worker.log
    finally:
        server.stop()
    assert sorted(succeeded(log, "send_notices")) == ["0", "1"]
    assert [str(m["To"]) for m in server.inbox.messages] == [
        "Amal Contact <amal.contact@example.org>"
    ]
    row = NoticeDelivery.objects.get(person=acted_contact)
    assert (row.status, row.attempts) == ("sent", 1)
