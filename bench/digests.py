"""The weekly digests and the instant notices, timed against a real SMTP server on loopback
(aiosmtpd).

A database of its own (``pimtracker_bench_digests``: 10,000 synthetic action points) gets
exactly N recipients: the synthetic core group of twenty plus N - 20 active focal points
with an e-mail address. Each N is sent twice, by a child process (bench/send.py): once by
``send_digests`` in that one process, whose queries are counted, and once as a deployment
sends them, the weekly task through Redis to a Celery worker with one process per core.
The SMTP server runs here and only counts what it receives. Then, with the largest N, a
coordinator makes ``NOTICE_CHANGES`` changes to those recipients' items, and the notices
they wrote go out through the worker (the beat's task, every 15 minutes): the target is one
beat interval.
"""

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import database, server

ROOT = Path(__file__).resolve().parent.parent
ACTIONS = 10_000
NOTICE_CHANGES = 1_000
# A run that takes longer is stopped and reported with the messages received by then.
TIME_LIMIT = 20 * 60  # seconds
# A Redis database of the bench's own, purged before each run through the worker.
REDIS_DB = 7


def unavailable_reason() -> str:
    """Why the digests cannot be measured yet, or "" when they can."""
    if not (ROOT / "actions" / "digests" / "delivery.py").exists():
        return "not yet available (actions/digests/delivery.py does not exist)"
    if not (ROOT / "actions" / "management" / "commands" / "send_digests.py").exists():
        return "not yet available (no send_digests command)"
    return ""


class CountingHandler:
    """An SMTP handler that accepts every message and only counts it."""

    def __init__(self) -> None:
        self.received = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.received += len(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def _unfinished(count: int, received: int, seconds: float) -> dict[str, Any]:
    """A run stopped at the time limit: its rate, and the time all of it would have taken."""
    rate = received / seconds if seconds else 0.0
    return {
        "recipients": count,
        "sent": None,
        "received": received,
        "seconds": None,
        "stopped_after_s": round(seconds),
        "projected_s": round(count / rate) if rate else None,
        "queries": None,
        "queries_per_recipient": None,
    }


def measure(recipients: list[int], log: Callable[[str], None]) -> dict[str, Any]:
    reason = unavailable_reason()
    if not recipients:
        return {"reason": "skipped (--digests empty)", "runs": []}
    if reason:
        log(f"digests: {reason}")
        return {"reason": reason, "runs": []}
    from aiosmtpd.controller import Controller

    url = database.database_url(f"digests_{ACTIONS}")
    env = server.production_env(url, Path("/dev/null"))
    database.prepare(ACTIONS, env, log)
    handler = CountingHandler()
    controller = Controller(handler, hostname=server.HOST, port=server.free_port())
    controller.start()
    env["EMAIL_URL"] = f"smtp://{server.HOST}:{controller.port}"
    env["CELERY_BROKER_URL"] = ""
    broker, no_worker = _broker()
    if no_worker:
        log(f"digests: no run through a worker: {no_worker}")
    runs: list[dict] = []
    try:
        for count in recipients:
            log(f"digests: {count:,} recipients")
            run, error = _run(count, [], env, handler, log)
            if error:
                return {"reason": f"failed at {count:,} recipients: {error}", "runs": runs}
            if run["seconds"] is not None:
                run["queries_per_recipient"] = round(run["queries"] / count, 2)
                log(
                    f"  one process: {run['seconds']:.1f} s, {run['received']:,} messages, "
                    f"{run['queries_per_recipient']} queries per recipient"
                )
            run["worker"] = None
            if broker:
                worker_env = {**env, "CELERY_BROKER_URL": broker}
                arguments = ["--worker", "--time-limit", str(TIME_LIMIT - 60)]
                worker, error = _run(count, arguments, worker_env, handler, log)
                if error:
                    return {"reason": f"failed at {count:,} recipients: {error}", "runs": runs}
                run["worker"] = worker
                if worker["seconds"] is not None:
                    log(
                        f"  worker ({worker['processes']} processes): {worker['seconds']:.1f} s,"
                        f" {worker['received']:,} messages"
                    )
            runs.append(run)
        notices = _notices(max(recipients), broker, env, handler, log) if broker else None
    finally:
        controller.stop()
    return {"reason": no_worker, "runs": runs, "actions": ACTIONS, "notices": notices}


def _notices(
    count: int, broker: str, env: dict[str, str], handler: "CountingHandler", log
) -> dict[str, Any] | None:
    log(f"notices: {NOTICE_CHANGES:,} changes to items of {count:,} recipients")
    arguments = ["--notices", str(NOTICE_CHANGES), "--time-limit", str(TIME_LIMIT - 60)]
    run, error = _run(count, arguments, {**env, "CELERY_BROKER_URL": broker}, handler, log)
    if error:
        return {"reason": error}
    if run["seconds"] is None:
        return {"reason": f"stopped after {run['stopped_after_s']:,} s, {run['received']:,} sent"}
    log(
        f"  {run['notices']:,} notices to {run['people']:,} people: {run['seconds']:.1f} s "
        f"through the worker, {run['received']:,} messages"
    )
    return run


def _broker() -> tuple[str, str]:
    """The Redis URL for the run through a worker, or "" and why there is none."""
    import redis

    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    url = urlunsplit(urlsplit(url)._replace(path=f"/{REDIS_DB}", query=""))
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return "", f"Redis at {url} is not available ({exc})"
    return url, ""


def _run(
    count: int, arguments: list[str], env: dict[str, str], handler: "CountingHandler", log
) -> tuple[dict[str, Any], str]:
    """One child run (bench/send.py): its summary with the messages received, or an error."""
    handler.received = 0
    started = time.monotonic()
    try:
        child = subprocess.run(  # noqa: S603 -- our own module, fixed arguments
            [sys.executable, "-m", "bench.send", str(count), *arguments],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=TIME_LIMIT,
        )
    except subprocess.TimeoutExpired:
        log(f"  stopped after {TIME_LIMIT} s: {handler.received:,} messages received")
        return _unfinished(count, handler.received, time.monotonic() - started), ""
    if child.returncode:
        error = (child.stderr.strip().splitlines() or ["no output"])[-1]
        log(f"  failed: {error}")
        return {}, error
    run = json.loads(child.stdout.strip().splitlines()[-1])
    run["received"] = handler.received
    return run, ""
