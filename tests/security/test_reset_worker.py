"""Password reset through a real Celery worker on Redis, to a real SMTP server: the request
only queues the address typed; the worker looks it up and sends, after the response.

Like the digest worker test, it needs PostgreSQL (the worker is another process and must
see the test's committed data).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.actions.digests.test_smtp import SMTPServer
from tests.actions.digests.test_worker import database_url, read, wait_for
from tests.conftest import need_service
from tests.factories import UserFactory

pytestmark = pytest.mark.services


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def test_a_reset_is_mailed_by_the_worker_and_an_unknown_address_gets_nothing(
    transactional_db, redis_url, smtp_server, tmp_path
):
    need_service(
        connection.vendor == "postgresql",
        "PostgreSQL (DATABASE_URL=postgres://...), so that the worker shares the test database",
    )
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

    log_file = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pimtracker.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
    }
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "--app=pimtracker", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
         f"--logfile={log_file}", f"--hostname=reset-test-{uuid.uuid4().hex[:8]}@%h"],
        cwd=Path(settings.BASE_DIR), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(
            lambda: (
                read(log_file).count("send_password_reset") >= 4  # 2 received, 2 done
                and read(log_file).count("succeeded") >= 2
            ),
            60,
            log_file,
            worker,
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
    assert smtp_server.inbox.to == ["amina@example.org"]
    assert "/accounts/reset/" in smtp_server.inbox.messages[0].get_body().get_content()
