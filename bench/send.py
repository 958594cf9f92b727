"""Child process of the e-mail measurements: ``python -m bench.send N [--worker]
[--notices CHANGES]``.

Gives the digest database exactly N recipients and clears the week's deliveries. Then
either times ``send_digests`` in this process, with one sender, and counts its SQL queries,
or (``--worker``) starts a Celery worker with one process per core, as a deployment runs
it, queues the weekly task and times it until every delivery is settled. With
``--notices``, instead: a coordinator makes CHANGES changes to items of those recipients,
and the instant notices they wrote are timed through the worker, from the beat's task to
the last e-mail settled.
Prints one line of JSON.

The recipients: the synthetic core group of twenty (whole-plan digests) and N - 20 partners,
each the focal point of two open items, in organisations of ten people that lead nothing.
A partner's digest then lists a partner's usual handful of items; in the generator's own
organisations every partner would own a fortieth of the plan (375 items at 10,000).
"""

import argparse
import contextlib
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from actions.digests.weeks import current_period  # noqa: E402
from actions.models import ActionPoint, DigestDelivery  # noqa: E402
from actions.notices.models import Notice, NoticeDelivery  # noqa: E402
from actions.services import change_action_point  # noqa: E402
from actions.tasks import send_notices, send_weekly_digests  # noqa: E402
from participants.models import Organization, Person  # noqa: E402
from pimtracker.celery import app  # noqa: E402

WORKER_PROCESSES = os.cpu_count() or 1  # celery's default --concurrency
READY_TIMEOUT = 60  # seconds for the worker to start
CORE_GROUP = 20  # actions.synthetic.CORE_GROUP_SIZE: load-001 .. load-020
DOMAIN = "@digest.example.org"
ORG_PREFIX = "DIG"


def set_recipients(count: int) -> None:
    """Exactly ``count`` recipients, the same ones for the same count (deterministic)."""
    with transaction.atomic():
        DigestDelivery.objects.all().delete()
        # The bench's own focal-point rows go first: deleting people that items name is
        # refused (it would change the items behind the journal's back).
        Focal = ActionPoint.focal_points.through
        Focal.objects.filter(person__email__endswith=DOMAIN).delete()
        Person.objects.filter(email__endswith=DOMAIN).delete()
        Organization.objects.filter(acronym__startswith=ORG_PREFIX).delete()
        synthetic = Person.objects.filter(email__endswith="@load.example.org").order_by("email")
        core = list(synthetic.values_list("pk", flat=True)[:CORE_GROUP])
        synthetic.exclude(pk__in=core).update(is_active=False)
        partners = max(0, count - CORE_GROUP)
        organizations = Organization.objects.bulk_create(
            Organization(
                acronym=f"{ORG_PREFIX}{n:04d}",
                name=f"Digest test organisation {n:04d}",
                kind=Organization.Kind.NATIONAL_NGO,
            )
            for n in range((partners + 9) // 10)
        )
        people = Person.objects.bulk_create(
            Person(
                first_name=f"Recipient{i:05d}",
                last_name="Synthetic",
                organization=organizations[i // 10],
                email=f"digest-{i:05d}{DOMAIN}",
            )
            for i in range(partners)
        )
        open_items = list(ActionPoint.objects.open().order_by("pk").values_list("pk", flat=True))
        # Two open items each, spread over the plan.
        Focal.objects.bulk_create(
            Focal(actionpoint_id=open_items[(2 * i + k) % len(open_items)], person_id=person.pk)
            for i, person in enumerate(people)
            for k in (0, 1)
        )
    _vacuum(DigestDelivery, Focal, Person, Organization, Notice, NoticeDelivery)


def _vacuum(*models: type[Model]) -> None:
    """Each run starts from tables as compact as the first run's. Every run deletes and
    writes again the week's deliveries (and updates each twice), and this machine's
    PostgreSQL may run without autovacuum (CI's does): their dead rows were read by every
    claim and by every check of whether the run was over, slower with each run."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class Counter:
    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def in_process(count: int) -> dict:
    counter = Counter()
    output = io.StringIO()
    started = time.monotonic()
    # One sender: the queries are counted on this thread's connection only, and a sender
    # thread of its own would have its own (the worker's run uses the setting's threads).
    with override_settings(DIGEST_SENDERS=1), connection.execute_wrapper(counter):
        call_command("send_digests", stdout=output)
    seconds = time.monotonic() - started
    sent = DigestDelivery.objects.filter(status=DigestDelivery.State.SENT).count()
    return {
        "recipients": count,
        "sent": sent,
        "seconds": round(seconds, 2),
        "queries": counter.queries,
    }


def _wait_until(ready, what: str, timeout: float, worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if worker.poll() is not None:
            raise SystemExit(f"the worker stopped while {what}: {log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up after {timeout:.0f} s {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def _worker() -> Iterator[Callable[[Callable[[], bool], str, float], None]]:
    """A Celery worker with one process per core, as deployed; yields a function that waits
    (checking the worker is alive) until a condition holds."""
    app.control.purge()  # tasks left in the broker by an earlier run
    log = Path(tempfile.mkdtemp(prefix="bench-worker-")) / "worker.log"
    worker = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "--app=pimtracker",
            "worker",
            f"--concurrency={WORKER_PROCESSES}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--logfile={log}",
            f"--hostname=bench-digests-{os.getpid()}@%h",
        ],
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )

    def wait(ready: Callable[[], bool], what: str, timeout: float) -> None:
        _wait_until(ready, what, timeout, worker, log)

    try:
        wait(lambda: log.exists() and " ready." in log.read_text(), "starting", READY_TIMEOUT)
        yield wait
    finally:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()


def through_worker(count: int, time_limit: float) -> dict:
    """The weekly task through a real worker and broker: queued, fanned out in batches to
    the worker's processes, until every delivery is sent, skipped or failed."""
    week = DigestDelivery.objects.filter(period=current_period())
    unsettled = week.filter(status__in=[DigestDelivery.State.PENDING, DigestDelivery.State.SENDING])

    def settled() -> bool:
        # The weekly task makes the week's rows in one INSERT: once there are any, all are
        # there. Two index lookups, where counting the settled rows (7 ms at 10,000, twenty
        # times a second) took a tenth of a core from the run it measures.
        return week.exists() and not unsettled.exists()

    with _worker() as wait:
        started = time.monotonic()
        send_weekly_digests.delay()
        wait(settled, "sending", time_limit)
        seconds = time.monotonic() - started
    sent = DigestDelivery.objects.filter(status=DigestDelivery.State.SENT).count()
    return {
        "recipients": count,
        "sent": sent,
        "seconds": round(seconds, 2),
        "processes": WORKER_PROCESSES,
    }


def make_changes(count: int) -> float:
    """``count`` changes by a coordinator, one to each of as many open items that the
    recipients are focal points of, each through the service that journals it and writes
    its notices. Returns the seconds it took."""
    NoticeDelivery.objects.all().delete()
    Notice.objects.all().delete()
    Focal = ActionPoint.focal_points.through
    items = list(
        Focal.objects.filter(person__email__endswith=DOMAIN)
        .order_by("actionpoint_id")
        .values_list("actionpoint_id", flat=True)
        .distinct()[:count]
    )
    if len(items) < count:
        raise SystemExit(f"only {len(items)} items have recipients as focal points")
    coordinator = User.objects.get(username="load-001")  # of the synthetic core group
    started = time.monotonic()
    for item in ActionPoint.objects.filter(pk__in=items).only("pk", "due_date"):
        later = (item.due_date or datetime.date(2030, 1, 1)) + datetime.timedelta(days=7)
        change_action_point(action_point=item.pk, by=coordinator, due_date=later)
    return time.monotonic() - started


def notices_through_worker(changes: int, time_limit: float) -> dict:
    """The notices of ``changes`` changes: the beat's task through a real worker and
    broker, from queued until every person's e-mail is sent, skipped or failed."""
    changing = make_changes(changes)
    waiting = Notice.objects.filter(delivery__isnull=True)
    unsettled = NoticeDelivery.objects.filter(
        status__in=[NoticeDelivery.State.PENDING, NoticeDelivery.State.SENDING]
    )
    with _worker() as wait:
        started = time.monotonic()
        send_notices.delay()
        # Settled: every notice in an e-mail (those the run itself writes, due in 3 days,
        # too), and every e-mail sent, skipped or failed.
        wait(lambda: not waiting.exists() and not unsettled.exists(), "sending notices", time_limit)
        seconds = time.monotonic() - started
    return {
        "changes": changes,
        "changes_s": round(changing, 2),
        "notices": Notice.objects.count(),
        "people": NoticeDelivery.objects.count(),  # one e-mail each
        "sent": NoticeDelivery.objects.filter(status=NoticeDelivery.State.SENT).count(),
        "seconds": round(seconds, 2),
        "processes": WORKER_PROCESSES,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--time-limit", type=float, default=20 * 60)
    parser.add_argument("--notices", type=int, default=0, metavar="CHANGES")
    args = parser.parse_args(argv)
    set_recipients(args.count)
    if args.notices:
        summary = notices_through_worker(args.notices, args.time_limit)
    elif args.worker:
        summary = through_worker(args.count, args.time_limit)
    else:
        summary = in_process(args.count)
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1:])
