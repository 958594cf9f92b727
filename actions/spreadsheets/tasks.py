"""The Celery task of a confirmed import: a thin wrapper around ``runs.run``."""

from celery import shared_task

from . import runs


# 20,000 rows take well under a minute; the limits only stop a run that hangs. The broker's
# visibility timeout (2 hours, settings) outlasts them, so a running import is not handed
# to a second worker (and if it were, the claim in ``runs.run`` would stop it).
@shared_task(ignore_result=True, soft_time_limit=20 * 60, time_limit=21 * 60)
def apply_spreadsheet_import(run_id: int) -> str:
    """Apply a confirmed import, all or nothing; returns its state after."""
    return runs.run(run_id)
