"""Through a real Celery worker on a real Redis broker: two calls for the same week give one
e-mail per recipient.

The worker is a subprocess, so it must share the test database: that needs PostgreSQL (an
in-memory SQLite test database lives in this process only) and committed data
(``transactional_db``). It sends to an aiosmtpd server started here.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from actions.digests.weeks import current_period, week_label
from actions.models import DigestDelivery
from tests.actions.digests import scenario as s
from tests.conftest import need_service

from .test_smtp import SMTPServer

pytestmark = pytest.mark.services

# A Redis database of this test's own: it purges its queue before starting.
WORKER_REDIS_DB = 5
READY_TIMEOUT = 60  # seconds for the worker to start
WORK_TIMEOUT = 60  # seconds for the tasks to run


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


def own_redis_db(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{WORKER_REDIS_DB}", query=""))


def succeeded(log: str, task: str) -> list[str]:
    """Return values of the tasks of that name the worker logged as succeeded."""
    return re.findall(rf"Task actions\.tasks\.{task}\[[^\]]+\] succeeded in [\d.e-]+s: (\S+)", log)


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
    need_service(
        connection.vendor == "postgresql",
        "PostgreSQL (DATABASE_URL=postgres://...), so that the worker shares the test database",
    )
    s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    broker_url = own_redis_db(redis_url)
    # Celery prefers the CELERY_BROKER_URL variable to the broker= argument: without this
    # the client would publish where the suite's broker is, not where the worker listens.
    monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
    client = Celery("digest-test-client", broker=broker_url)
    with client.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")

    log_file = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pimtracker.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
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
            f"--hostname=digest-test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: " ready." in read(log_file), READY_TIMEOUT, log_file, worker)
        week = week_label(current_period())
        for _call in range(2):  # a second beat, a rerun, a duplicate message
            client.send_task("actions.tasks.send_weekly_digests", kwargs={"week": week})

        def all_done() -> bool:
            log = read(log_file)
            fan_outs = succeeded(log, "send_weekly_digests")
            queued = sum(int(n) for n in fan_outs)
            handled = sum(int(n) for n in succeeded(log, "send_digest_batch"))
            return len(fan_outs) == 2 and handled == queued

        wait_for(all_done, WORK_TIMEOUT, log_file, worker)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)

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


def read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def wait_for(condition, timeout: float, log_file: Path, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}):\n{read(log_file)[-3000:]}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s; worker log:\n{read(log_file)[-3000:]}")
