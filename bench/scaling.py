"""make bench-scaling: two web servers and two Celery workers on one PostgreSQL and Redis.

Nothing in the site may assume it runs in one process. This starts the deployment README's
"Scaling" describes, on one machine: two gunicorn instances (as two hosts behind the proxy
would be), two Celery workers (as on two other hosts), sessions and cache in Redis
(CACHE_URL). Then, all at once:

- coordinators change statuses through both instances, alternately;
- readers load the list on both (wrk, concurrency 4 each);
- the weekly digests go out through both workers to an SMTP server on loopback.

It checks what a single-process assumption would break: every recipient got exactly one
digest; the dashboard's counts equal the items' own; every change has its journal row.
Results: bench/results/scaling.{json,md}.

    python bench/scaling.py [--seconds 20] [--changes 200]
"""

import argparse
import collections
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database, load, server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZE = 10_000
WRITERS = 4  # coordinators changing statuses at the same time
BROKER_DB, CACHE_DB = 9, 8  # Redis databases of this run's own, emptied first
READY_TIMEOUT = 60


def log(message: str) -> None:
    print(f"[scaling {time.strftime('%H:%M:%S')}] {message}", flush=True)


class RecordingHandler:
    """An SMTP server's handler that counts the messages each recipient received."""

    def __init__(self) -> None:
        self.received: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.received.update(address.lower() for address in envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def _redis(base: str, number: int) -> str:
    return urlunsplit(urlsplit(base)._replace(path=f"/{number}", query=""))


def start_worker(env: dict[str, str], name: str, logs: Path) -> tuple[subprocess.Popen, Path]:
    logfile = logs / f"{name}.log"
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "--app=pimtracker",
            "worker",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            f"--logfile={logfile}",
            f"--hostname={name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    return process, logfile


def wait_for(ready, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: {what}")
        time.sleep(0.5)


def change_statuses(
    bases: list[str], cookie: str, items: list[int], changes: int, outcome: collections.Counter
) -> None:
    """POST status changes to ``items`` round-robin, alternating the two instances, as a
    coordinator's browser would (the CSRF cookie and field, the version read)."""
    from actions.models import ActionPoint, Status

    statuses = [Status.IN_PROGRESS, Status.BLOCKED, Status.NOT_STARTED]
    csrf = secrets.token_hex(16)  # Django accepts the secret itself as the form's token
    headers = {"Cookie": f"{cookie}; csrftoken={csrf}"}
    opener = urllib.request.build_opener(NoRedirect)
    for n in range(changes):
        pk = items[n % len(items)]
        version = ActionPoint.objects.values_list("version", flat=True).get(pk=pk)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "status": statuses[n % len(statuses)],
                "note": f"Change {n} through instance {n % 2 + 1}.",
                "version": version,
            }
        ).encode()
        url = f"{bases[n % 2]}/actions/{pk}/update/"
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        try:
            with opener.open(request, timeout=60) as response:
                outcome[response.status] += 1
        except urllib.error.HTTPError as error:
            outcome[error.code] += 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def counts_right() -> dict[str, Any]:
    """The dashboard's counts per area and status, against the items' own COUNT."""
    from django.db.models import Count
    from django.utils import timezone

    from actions.dashboard import dashboard
    from actions.models import ActionPoint

    shown = {
        (row.area.pk, status): n
        for row in dashboard(timezone.localdate()).areas
        for status, n in row.counts.by_status.items()
        if n
    }
    real = {
        (row["area"], row["status"]): row["n"]
        for row in ActionPoint.objects.values("area", "status").annotate(n=Count("pk"))
    }
    return {
        "right": shown == real,
        "cells": len(real),
        "differences": len(set(shown.items()) ^ set(real.items())),
    }


def run(seconds: int, changes: int) -> dict[str, Any]:
    from aiosmtpd.controller import Controller

    env = server.production_env(database.database_url(f"scaling_{SIZE}"), Path("/dev/null"))
    database.prepare(SIZE, env, log)
    server.collect_static(env)
    handler = RecordingHandler()
    smtp = Controller(handler, hostname=server.HOST, port=server.free_port())
    smtp.start()
    redis_base = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    env.update(
        EMAIL_URL=f"smtp://{server.HOST}:{smtp.port}",
        CELERY_BROKER_URL=_redis(redis_base, BROKER_DB),
        CACHE_URL=_redis(redis_base, CACHE_DB),
        ROOT_URLCONF="pimtracker.urls",
    )
    import redis

    for number in (BROKER_DB, CACHE_DB):
        redis.Redis.from_url(_redis(redis_base, number)).flushdb()
    os.environ.update(env)
    import django

    django.setup()
    from django.db.models import Count

    from actions.digests.weeks import current_period
    from actions.models import ActionPoint, ActionUpdate, DigestDelivery
    from actions.tasks import send_weekly_digests
    from bench.probe import COORDINATOR, sign_in

    DigestDelivery.objects.filter(period=current_period()).delete()
    logs = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    instances = [server.start(env), server.start(env)]
    workers = [start_worker(env, f"scaling-{n}", logs) for n in (1, 2)]
    try:
        for _process, logfile in workers:
            wait_for(lambda f=logfile: f.exists() and " ready." in f.read_text(), "a worker", 60)
        log(f"2 instances ({', '.join(i.base_url for i in instances)}), 2 workers ready")
        cookie = sign_in(COORDINATOR)
        journal_before = ActionUpdate.objects.count()
        items = list(ActionPoint.objects.order_by("pk").values_list("pk", flat=True)[:400])
        outcome: collections.Counter[int] = collections.Counter()
        writers = [
            threading.Thread(
                target=change_statuses,
                args=([i.base_url for i in instances], cookie, items[n::WRITERS], changes, outcome),
            )
            for n in range(WRITERS)
        ]
        started = time.monotonic()
        send_weekly_digests.delay()
        for writer in writers:
            writer.start()
        readers: dict[str, load.LoadResult] = {}

        def read(instance: server.Server) -> None:
            url = f"{instance.base_url}/actions/"
            readers[url] = load.run(url, cookie, connections=4, seconds=seconds)

        reading = [threading.Thread(target=read, args=(i,)) for i in instances]
        for thread in reading:
            thread.start()
        for thread in reading + writers:
            thread.join()
        period = current_period()
        expected = DigestDelivery.objects.filter(period=period).count()
        settled = DigestDelivery.objects.filter(period=period).exclude(
            status__in=[DigestDelivery.State.PENDING, DigestDelivery.State.SENDING]
        )
        wait_for(lambda: expected and settled.count() >= expected, "the digests", 15 * 60)
        digests_s = time.monotonic() - started
    finally:
        for instance in instances:
            instance.stop()
        for process, _logfile in workers:
            process.terminate()
            process.wait(30)
        smtp.stop()
    states = dict(
        DigestDelivery.objects.filter(period=period)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    copies = collections.Counter(handler.received.values())
    saved = outcome.get(302, 0)
    journal_rows = ActionUpdate.objects.count() - journal_before
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip(),
        "items": SIZE,
        "instances": 2,
        "workers": 2,
        "list_rps": {url: r.rps for url, r in readers.items()},
        "list_errors": sum(r.errors for r in readers.values()),
        "changes": dict(outcome),
        "journal_rows": journal_rows,
        "every_change_journaled": journal_rows == saved,
        "deliveries": states,
        "recipients_receiving": len(handler.received),
        "copies_per_recipient": {str(k): v for k, v in copies.items()},
        "exactly_once": set(copies) == {1} and len(handler.received) == states.get("sent", 0),
        "digests_s": round(digests_s, 1),
        "counts": counts_right(),
        "load_1m": round(os.getloadavg()[0], 2),
    }
    return result


def _plain(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def _copies(copies: dict[str, int]) -> str:
    return ", ".join(
        f"{people} received {'one copy' if n == '1' else n + ' copies'}"
        for n, people in sorted(copies.items())
    )


def markdown(result: dict[str, Any]) -> str:
    rps = " + ".join(f"{v:,.1f}" for v in result["list_rps"].values())
    changes = ", ".join(f"{n} answered {code}" for code, n in sorted(result["changes"].items()))
    return "\n".join(
        [
            f"Run of {result['date']} at commit `{result['commit']}`: {result['items']:,} action"
            f" points, {result['instances']} gunicorn instances (2 workers each) and"
            f" {result['workers']} Celery workers on one PostgreSQL and one Redis (sessions and"
            f" cache, broker); load average {result['load_1m']} at the end.",
            "",
            f"- The list read on both instances at once, concurrency 4 each: {rps} req/s,"
            f" {result['list_errors']} errors.",
            f"- Status changes through both instances in turn, {WRITERS} coordinators at once:"
            f" {changes}; {result['journal_rows']} journal rows written"
            f" ({'one per change' if result['every_change_journaled'] else 'NOT one per change'}).",
            f"- Weekly digests through both workers, during all that: deliveries by state"
            f" {_plain(result['deliveries'])}; of the {result['recipients_receiving']}"
            f" recipients, {_copies(result['copies_per_recipient'])}, in {result['digests_s']} s:"
            " "
            f"{'exactly once each' if result['exactly_once'] else 'NOT exactly once'}.",
            f"- The dashboard's counts against the items' own COUNT, {result['counts']['cells']}"
            f" area and status cells: {'equal' if result['counts']['right'] else 'DIFFERENT'}.",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of the reading")
    parser.add_argument("--changes", type=int, default=100, help="status changes per writer")
    args = parser.parse_args(argv)
    load.require_wrk()
    result = run(args.seconds, args.changes)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scaling.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / "scaling.md").write_text(markdown(result))
    print(markdown(result))
    ok = result["exactly_once"] and result["counts"]["right"] and result["every_change_journaled"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
