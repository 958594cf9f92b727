"""Confirmed imports run in the background: the page answers at once with the run's
progress, then what was applied; the same import is never applied twice; the queries do not
grow with the rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import ActionPoint, ActionUpdate, ImportRun
from actions.spreadsheets import runs

from .test_import import HEADER, confirm, csv_file, preview_of, row


def confirm_queries(client, rows) -> int:
    html = preview_of(client, csv_file(rows, header=HEADER[:9]))
    with CaptureQueriesContext(connection) as queries:
        response = confirm(client, html)
    assert response.status_code == 302
    assert ImportRun.objects.latest("pk").state == ImportRun.State.DONE
    return len(queries)


def test_an_imports_queries_grow_by_batches_not_by_rows(coordinator, plan, items):
    def rows(count: int, status: str, prefix: str) -> list[list[str]]:
        return [
            row(plan, "AB"[i % 2], f"{prefix}-{i}", f"Item {i}", status=status, due="2031-01-15",
                leads="IOM; UNHCR" if status == "blocked" else "ACTED")
            for i in range(count)
        ]  # fmt: skip

    # Creating, then changing every field of what was created, leads included.
    small = [confirm_queries(coordinator, rows(30, s, "S")) for s in ("not_started", "blocked")]
    large = [confirm_queries(coordinator, rows(300, s, "L")) for s in ("not_started", "blocked")]
    # SQLite takes at most 999 parameters a statement, so its inserts and updates go in
    # slices of a few dozen rows (about 45 now that items and journal rows carry where they
    # were agreed and their privacy marks, two such tables a row); PostgreSQL's do not. Per
    # row, never a query of its own.
    for few, many in zip(small, large, strict=True):
        assert many - few <= (300 - 30) // 20
    assert ActionPoint.objects.filter(code__startswith="L-", status="blocked").count() == 300
    assert ActionUpdate.objects.filter(action_point__code__startswith="L-").count() == 600


@pytest.fixture
def queued(coordinator, plan, items, monkeypatch):
    """A confirmed import whose task has not run yet (the broker holds it)."""
    monkeypatch.setattr(
        "actions.spreadsheets.tasks.apply_spreadsheet_import.delay", lambda pk: None
    )
    html = preview_of(coordinator, csv_file([row(plan, "B", "B-9", "Agree data points")]))
    response = confirm(coordinator, html)
    assert response.status_code == 302
    return ImportRun.objects.get(), html


def test_the_page_of_a_running_import_reloads_itself_with_rows_written(
    coordinator, queued, django_assert_num_queries
):
    run, _html = queued
    url = f"/actions/import/runs/{run.pk}/"
    html = coordinator.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "Checking the file against the site as it is now" in html
    ImportRun.objects.filter(pk=run.pk).update(state="running", total=20000, done=7500)
    # The session, the user with their role and person, the run: whatever the import's size.
    with django_assert_num_queries(3):
        html = coordinator.get(url).content.decode()
    assert "7500 of 20000 rows written." in html
    assert '<progress max="20000" value="7500">38%</progress>' in html
    assert not ActionPoint.objects.filter(code="B-9").exists()


def test_a_second_click_or_tab_finds_the_first_run_and_two_workers_apply_it_once(
    coordinator, queued
):
    run, html = queued
    again = confirm(coordinator, html)  # a double click, or the same preview in a second tab
    assert again["Location"] == f"/actions/import/runs/{run.pk}/"
    assert ImportRun.objects.count() == 1
    # Two workers handed the same run: one applies it, the other finds it taken.
    assert sorted([runs.run(run.pk), runs.run(run.pk)]) == ["done", "not claimed"]
    assert ActionPoint.objects.filter(code="B-9").count() == 1
    assert ActionUpdate.objects.filter(action_point__code="B-9").count() == 1
    page = coordinator.get(again["Location"]).content.decode()
    assert "plan.csv imported: 1 action point created; 0 updated." in page
    assert "refresh" not in page
    # Left and found again: the import page lists the coordinator's recent imports.
    assert (
        f'href="/actions/import/runs/{run.pk}/"'
        in coordinator.get("/actions/import/").content.decode()
    )
    # Applied, the import no longer waits: confirming it again applies nothing.
    assert confirm(coordinator, html)["Location"] == "/actions/import/"
    assert ActionPoint.objects.filter(code="B-9").count() == 1


def test_a_failure_applies_nothing_says_so_and_the_import_can_be_confirmed_again(
    coordinator, plan, items, monkeypatch
):
    rows = [row(plan, "C", "C-8", "Establish a PWG core group", status="done"),
            row(plan, "B", "B-9", "Agree data points")]  # fmt: skip
    html = preview_of(coordinator, csv_file(rows, header=HEADER[:7]))
    journal = ActionUpdate.objects.count()

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("actions.bulk_changes.change_many", broken)
    response = confirm(coordinator, html)
    run = ImportRun.objects.get()
    assert response["Location"] == f"/actions/import/runs/{run.pk}/"
    assert run.state == "failed"
    assert ActionUpdate.objects.count() == journal
    assert not ActionPoint.objects.filter(code="B-9").exists()
    page = coordinator.get(f"/actions/import/runs/{run.pk}/").content.decode()
    assert "An unexpected error stopped the import, so nothing was changed." in page
    monkeypatch.undo()
    assert confirm(coordinator, html).status_code == 302
    assert ImportRun.objects.latest("pk").state == "done"
    assert ActionPoint.objects.filter(code="B-9").exists()


def test_a_run_whose_worker_died_is_shown_as_not_applied_and_can_be_confirmed_again(
    coordinator, queued
):
    run, html = queued
    ImportRun.objects.filter(pk=run.pk).update(
        state="running", created_at=run.created_at - datetime.timedelta(minutes=30)
    )
    page = coordinator.get(f"/actions/import/runs/{run.pk}/").content.decode()
    assert "An unexpected error stopped the import, so nothing was changed." in page
    assert "refresh" not in page
    again = confirm(coordinator, html)
    assert again["Location"] != f"/actions/import/runs/{run.pk}/"
