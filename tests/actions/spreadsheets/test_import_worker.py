"""A confirmed import applied by a real Celery worker on Redis, as in production: the page
answers at once and follows the run to its end."""

import pytest

from actions.models import ActionPoint, ImportRun
from pimtracker.celery import app as celery_app
from tests.celery_worker import celery_worker, succeeded

from .test_import import HEADER, confirm, csv_file, preview_of, row

pytestmark = pytest.mark.services

ROWS = 1000
WORK_TIMEOUT = 120  # seconds: a bound on a broken run, not a measure of speed


def test_a_worker_applies_a_confirmed_import_once_and_its_page_follows_it(
    transactional_db, redis_url, coordinator, plan, organizations, tmp_path, monkeypatch
):
    rows = [
        row(plan, "AB"[i % 2], f"W-{i}", f"Item {i}", status="in_progress", leads="IOM")
        for i in range(ROWS)
    ]
    html = preview_of(coordinator, csv_file(rows, header=HEADER[:9]))
    celery_app.conf.task_always_eager = False  # the autouse ``eager`` fixture restores it
    with celery_worker(redis_url, tmp_path, monkeypatch) as worker:
        response = confirm(coordinator, html)
        again = confirm(coordinator, html)  # a double click
        assert response.status_code == 302 and again["Location"] == response["Location"]
        run = ImportRun.objects.get()

        def finished() -> bool:
            page = coordinator.get(response["Location"]).content.decode()
            return "refresh" not in page

        worker.wait_for(finished, WORK_TIMEOUT)
        assert succeeded(worker.log, "apply_spreadsheet_import") == ["'done'"]
    page = coordinator.get(response["Location"]).content.decode()
    assert f"plan.csv imported: {ROWS} action points created; 0 updated." in page
    run.refresh_from_db()
    assert (run.state, run.done, run.total) == ("done", ROWS, ROWS)
    assert ActionPoint.objects.filter(code__startswith="W-").count() == ROWS
