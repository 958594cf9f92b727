"""Confirmed imports, applied in the background (``actions.tasks.apply_spreadsheet_import``).

``start`` records the confirmation (``ImportRun``) and queues the task; the request returns
at once to the run's page, which shows rows written of rows to write until the run ends.
``run`` is the task's body: it computes the preview again from the site as it is now and
applies it in **one transaction**, so a failure applies nothing; what happened, or why
nothing did, is kept on the run for its page. Progress is written on a connection of its
own (PostgreSQL), because the rows the transaction writes stay invisible until it commits.

The same waiting import cannot be applied twice: one run per token (a unique constraint,
so a double click or a second tab finds the first run), and of two workers handed the same
run only the one whose conditional UPDATE moves it from "queued" to "running" applies it.
"""

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone

from . import pending as pending_imports
from .apply import ImportConflict, ImportRefused, apply_preview
from .models import ImportRun, ImportState
from .preview import build_preview

logger = logging.getLogger(__name__)

# Rows written between two progress reports; each is one UPDATE on a side connection.
REPORT_EVERY = 500
# Longer than the task's hard time limit (tasks.py): a run still "applying" after this had
# its worker die, and its transaction, never committed, wrote nothing.
ABANDONED_AFTER = datetime.timedelta(minutes=25)


def start(
    *, token: str, user: User, source: str, fingerprint: str, seen: dict[int, int]
) -> tuple[ImportRun, bool]:
    """Record the confirmation and queue it; returns the run and whether it is new. If this
    waiting import was confirmed already (and that run did not fail), returns that run."""
    from .tasks import apply_spreadsheet_import  # the task module imports this one

    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                token=token,
                user=user,
                source=source,
                fingerprint=fingerprint,
                seen={str(pk): version for pk, version in seen.items()},
            )
    except IntegrityError:
        existing = ImportRun.objects.exclude(state=ImportState.FAILED).get(token=token)
        return existing, False
    # Without a broker the task runs here and now, and the page shows its result.
    apply_spreadsheet_import.delay(run.pk)
    return run, True


def run(run_id: int) -> str:
    """Apply the run if this process is the one to claim it; returns its state after."""
    claimed = ImportRun.objects.filter(pk=run_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING
    )
    if not claimed:
        return "not claimed"
    job = ImportRun.objects.select_related("user").get(pk=run_id)
    try:
        outcome = _apply(job)
    except Exception:
        # Logged with its traceback for the administrator; the coordinator's page says that
        # nothing was applied (without a broker the task runs in the request: no error page).
        logger.exception("Import %s (%s) stopped", job.pk, job.source)
        _finish(job, ImportState.FAILED, {"reason": "unexpected"})
        return ImportState.FAILED
    state = ImportState.DONE if "created" in outcome else ImportState.FAILED
    _finish(job, state, outcome)
    if state == ImportState.DONE:
        pending_imports.discard(job.token)
    return state


def settle_abandoned(job: ImportRun) -> ImportRun:
    """A run whose worker died is failed (nothing was applied), so that its page says so and
    the import can be confirmed again."""
    cutoff = timezone.now() - ABANDONED_AFTER
    if job.finished or job.created_at > cutoff:
        return job
    ImportRun.objects.filter(pk=job.pk, state=job.state, created_at__lt=cutoff).update(
        state=ImportState.FAILED, outcome={"reason": "unexpected"}, done=0,
        finished_at=timezone.now(),
    )  # fmt: skip
    job.refresh_from_db()
    return job


def _finish(job: ImportRun, state: str, outcome: dict[str, Any]) -> None:
    done = job.total if state == ImportState.DONE else 0
    ImportRun.objects.filter(pk=job.pk).update(
        state=state, outcome=outcome, done=done, finished_at=timezone.now()
    )


def _apply(job: ImportRun) -> dict[str, Any]:
    try:
        parsed, mapping = pending_imports.load(job.token, job.user)
    except pending_imports.PendingImportGone:
        return {"reason": "gone"}
    preview = build_preview(parsed, mapping)
    if not preview.can_apply:
        return {"reason": "invalid"}
    seen = {int(pk): version for pk, version in job.seen.items()}
    if preview.fingerprint != job.fingerprint:
        changed = [p.code for p in preview.updates if seen.get(p.item.pk) != p.item.version]
        return {"reason": "conflict", "codes": changed}
    total = len(preview.creates) + len(preview.updates)
    ImportRun.objects.filter(pk=job.pk).update(total=total)
    job.total = total
    report, close = _progress(job.pk)
    try:
        result = apply_preview(preview, by=job.user, seen=seen, progress=report)
    except ImportConflict as exc:
        return {"reason": "conflict", "codes": exc.codes}
    except ImportRefused as exc:
        return {"reason": "refused", "row": exc.row, "messages": exc.messages}
    finally:
        close()
    return {
        "created": result.created,
        "updated": result.updated,
        "organizations": result.organizations,
    }


def _progress(run_id: int) -> tuple[Callable[[int], None], Callable[[], None]]:
    """A callback counting rows written, and how to close what it opened. It writes on a
    second connection, in autocommit, so the run's page sees it while the import's own
    transaction is still open. SQLite allows one writer at a time: there, without a broker,
    the request waits for the whole import anyway, so progress is only written at the end."""
    if connection.vendor != "postgresql":
        return (lambda _rows: None), (lambda: None)
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = ImportRun._meta.db_table
    written = [0, 0]  # rows written, rows written at the last report

    def report(rows: int) -> None:
        written[0] += rows
        if written[0] - written[1] >= REPORT_EVERY:
            written[1] = written[0]
            with side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET done = %s WHERE id = %s", [written[0], run_id])  # noqa: S608 - our table's name

    return report, side.close
