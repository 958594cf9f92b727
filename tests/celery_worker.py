"""A real Celery worker for a test: a subprocess on the test database (PostgreSQL, committed
data) and the suite's Redis, its queue purged first. Used by every test that needs a worker:
imports, digests, notices, password resets."""

import contextlib
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from tests.conftest import need_service

READY_TIMEOUT = 60  # seconds for the worker to start


def own_redis_db(url: str, number: int) -> str:
    """The suite's Redis at another database number: a test's own queue."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}", query=""))


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


def read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def succeeded(log: str, task: str) -> list[str]:
    """Return values of the tasks of that name (the end of their dotted name) that the
    worker logged as succeeded."""
    return re.findall(rf"Task [\w.]*\.{task}\[[^\]]+\] succeeded in [\d.e-]+s: (\S+)", log)


class Worker:
    def __init__(self, process: subprocess.Popen, log_file: Path, client: Celery) -> None:
        self.process, self.log_file, self.client = process, log_file, client

    @property
    def log(self) -> str:
        return read(self.log_file)

    def wait_for(self, condition: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.log[-3000:]}")
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout}s; worker log:\n{self.log[-3000:]}")


@contextlib.contextmanager
def celery_worker(
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    purge: bool = True,
    **env: str,
) -> Iterator[Worker]:
    """Start a worker (one process) with these extra environment variables; yield it once
    ready; stop it after. ``purge=False`` keeps tasks the test queued before the start."""
    need_service(
        connection.vendor == "postgresql",
        "PostgreSQL (DATABASE_URL=postgres://...), so that the worker shares the test database",
    )
    # Celery prefers the CELERY_BROKER_URL variable to the broker= argument.
    monkeypatch.setenv("CELERY_BROKER_URL", redis_url)
    client = Celery("test-client", broker=redis_url)
    if purge:
        with client.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
    log_file = tmp_path / f"worker-{uuid.uuid4().hex[:8]}.log"
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
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
            f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=Path(settings.BASE_DIR),
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pimtracker.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": redis_url,
            "SITE_URL": settings.SITE_URL,
            "VAR_DIR": str(settings.VAR_DIR),
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    worker = Worker(process, log_file, client)
    try:
        worker.wait_for(lambda: " ready." in worker.log, READY_TIMEOUT)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
