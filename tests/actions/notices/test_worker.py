"""Through a real Celery worker on a real Redis broker: a comment from IOM on an ACTED item
reaches ACTED's contact once, however many times the beat task runs.

As for the digests' worker test, the worker is a subprocess sharing the test database, so
this needs PostgreSQL and committed data (``transactional_db``)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from actions import comments
from actions.models import NoticeDelivery
from tests.actions.digests.test_smtp import SMTPServer
from tests.actions.digests.test_worker import database_url, read, succeeded, wait_for
from tests.conftest import need_service

pytestmark = pytest.mark.services

# A Redis database of this test's own (the digests' worker test uses 5).
WORKER_REDIS_DB = 4
TIMEOUT = 60  # seconds, to start and to work


def test_a_comment_reaches_the_contact_once_through_a_real_worker(
    transactional_db,
    redis_url,
    partner_iom,
    acted_contact,
    acted_item,
    tmp_path,
    monkeypatch,
):
    need_service(
        connection.vendor == "postgresql",
        "PostgreSQL (DATABASE_URL=postgres://...), so that the worker shares the test database",
    )
    server = SMTPServer()
    server.start()
    comments.add_comment(action_point=acted_item, by=partner_iom.user, text="IOM can help.")
    broker_url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{WORKER_REDIS_DB}", query=""))
    monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
    client = Celery("notice-test-client", broker=broker_url)
    with client.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    log_file = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pimtracker.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
        "SITE_URL": settings.SITE_URL,
    }
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "--app=pimtracker",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--logfile={log_file}",
            f"--hostname=notice-test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: " ready." in read(log_file), TIMEOUT, log_file, worker)
        for _beat in range(2):  # two beats, or a rerun
            client.send_task("actions.tasks.send_notices")
        wait_for(
            lambda: len(succeeded(read(log_file), "send_notices")) == 2, TIMEOUT, log_file, worker
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        server.stop()
    assert sorted(succeeded(read(log_file), "send_notices")) == ["0", "1"]
    assert [str(m["To"]) for m in server.inbox.messages] == [
        "Amal Contact <amal.contact@example.org>"
    ]
    row = NoticeDelivery.objects.get(person=acted_contact)
    assert (row.status, row.attempts) == ("sent", 1)
