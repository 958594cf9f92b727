"""Password reset through a real Celery worker on Redis, to a real SMTP server: the request
only queues the address typed; the worker looks it up and sends, after the response.

Like the digest worker test, it needs PostgreSQL (the worker is another process and must
see the test's committed data).
"""

import pytest
from celery import Celery
from django.test import Client
from django.urls import reverse

from tests.actions.digests.test_smtp import SMTPServer
from tests.celery_worker import celery_worker
from tests.factories import UserFactory

pytestmark = pytest.mark.services


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def test_a_reset_is_mailed_by_the_worker_and_an_unknown_address_gets_nothing(
    transactional_db, redis_url, smtp_server, tmp_path, monkeypatch
):
    UserFactory(username="amina", email="amina@example.org")
    client = Celery("reset-test-client", broker=redis_url)
    with client.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    from pimtracker.celery import app

    # With a broker configured the web side queues the task rather than running it.
    assert not app.conf.task_always_eager

    browser = Client()
    for address in ("nobody@example.org", "amina@example.org"):
        response = browser.post(reverse("password_reset"), {"email": address})
        assert response["Location"] == reverse("password_reset_done")
    assert smtp_server.inbox.messages == []  # nothing was sent while answering

    # The tasks are queued already: the worker starts on them, its queue not purged.
    with celery_worker(
        redis_url,
        tmp_path,
        monkeypatch,
        purge=False,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
    ) as worker:
        worker.wait_for(
            lambda: (
                worker.log.count("send_password_reset") >= 4  # 2 received, 2 done
                and worker.log.count("succeeded") >= 2
            ),
            60,
        )
    assert smtp_server.inbox.to == ["amina@example.org"]
    assert "/accounts/reset/" in smtp_server.inbox.messages[0].get_body().get_content()
