"""PostgreSQL keeps progress counts on change (migration 0022): after every kind of write,
and under concurrent changes, they equal the items' own counts, and the pages show them."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions import bulk_changes, progress_counts, services
from actions.models import (
    ActionPoint,
    ProgressOpenDueCount,
    ProgressStatusCount,
    SearchDocument,
    Status,
)
from actions.progress import OPEN_STATUSES
from actions.synthetic import generate_load_data, remove_load_data
from tests.bulk import change_action_points
from tests.conftest import need_service
from tests.factories import ActionPointFactory


@pytest.fixture(autouse=True)
def postgresql(db):
    need_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def kept() -> tuple[dict, dict]:
    status = {
        (row.area_id, row.organization_id, row.status): row.n
        for row in ProgressStatusCount.objects.exclude(n=0)
    }
    due = {
        (row.area_id, row.organization_id, row.due_date): row.n
        for row in ProgressOpenDueCount.objects.exclude(n=0)
    }
    return status, due


def counted() -> tuple[dict, dict]:
    """The same counts, from the items and their leads."""
    status: dict = {}
    due: dict = {}
    for row in ActionPoint.objects.values("area_id", "status").annotate(n=Count("pk")):
        status[(row["area_id"], 0, row["status"])] = row["n"]
    leads = ActionPoint.lead_organizations.through.objects
    for row in leads.values("organization_id", "actionpoint__status").annotate(n=Count("pk")):
        status[(0, row["organization_id"], row["actionpoint__status"])] = row["n"]
    open_due = Q(status__in=OPEN_STATUSES, due_date__isnull=False)
    for row in (
        ActionPoint.objects.filter(open_due).values("area_id", "due_date").annotate(n=Count("pk"))
    ):
        due[(row["area_id"], 0, row["due_date"])] = row["n"]
    lead_open_due = Q(actionpoint__status__in=OPEN_STATUSES, actionpoint__due_date__isnull=False)
    for row in (
        leads.filter(lead_open_due)
        .values("organization_id", "actionpoint__due_date")
        .annotate(n=Count("pk"))
    ):
        due[(0, row["organization_id"], row["actionpoint__due_date"])] = row["n"]
    return status, due


def assert_right() -> None:
    status, due = kept()
    real_status, real_due = counted()
    assert status == real_status
    assert due == real_due


def test_every_kind_of_write_keeps_the_counts(plan, organizations, coordinator):
    today = timezone.localdate()
    a, b = plan.areas.get(code="A"), plan.areas.get(code="B")
    user = coordinator.user
    item = services.create_action_point(
        by=user,
        plan=plan,
        area=a,
        code="A-9",
        title="Harmonise the forms",
        due_date=today - datetime.timedelta(days=3),
        lead_organizations=[organizations["IOM"], organizations["UNHCR"]],
    )
    others = [
        ActionPointFactory(area=b, code=f"B-{n}", due_date=today + datetime.timedelta(days=n))
        for n in range(1, 6)
    ]
    assert_right()
    services.change_action_point(action_point=item, by=user, status=Status.BLOCKED, note="x")
    assert_right()
    services.change_status_of_many(ids=[o.pk for o in others], by=user, status=Status.DONE)
    assert_right()
    item.lead_organizations.remove(organizations["UNHCR"])
    item.lead_organizations.add(organizations["ACTED"])
    assert_right()
    # A lead handed to another organisation in place, as a merge of organisations would.
    leads = ActionPoint.lead_organizations.through.objects.filter(actionpoint=item)
    leads.filter(organization=organizations["ACTED"]).update(organization=organizations["ECHO"])
    assert_right()
    item.refresh_from_db()
    item.area = b
    item.due_date = today + datetime.timedelta(days=1)
    item.save()
    assert_right()
    change_action_points(others[:2], by=user, status=Status.IN_PROGRESS, note="Again")
    assert_right()
    bulk_changes.change_many(
        by=user,
        changes=[(o.pk, None, {"status": Status.BLOCKED}) for o in others[2:]],
        note="From a spreadsheet",
    )
    assert_right()
    # An item the journal does not name yet (one that does stays: migration 0009).
    ActionPoint.objects.filter(pk=item.pk).update(status=Status.DROPPED)
    assert_right()


def test_bulk_loads_and_removals_keep_the_counts(plan):
    call_command("load_demo")
    generate_load_data(actions=60)
    assert_right()
    remove_load_data()  # items, leads and journal with plain SQL deletes
    assert_right()
    call_command("load_demo", "--remove")
    assert_right()


def test_recount_rebuilds_them(plan, organizations):
    ActionPointFactory(area=plan.areas.get(code="C"), code="C-1", leads=[organizations["IOM"]])
    ProgressStatusCount.objects.update(n=99)
    call_command("recount_progress")
    assert_right()


def test_the_dashboard_and_organisation_pages_show_the_kept_counts(plan, organizations, viewer):
    today = timezone.localdate()
    area = plan.areas.get(code="A")
    for n in range(4):
        ActionPointFactory(
            area=area,
            code=f"A-{n}",
            status=Status.IN_PROGRESS,
            leads=[organizations["IOM"]],
            due_date=today - datetime.timedelta(days=n + 1),
        )
    # Set by hand to something the items do not say: the pages read the kept counts.
    ProgressStatusCount.objects.filter(area_id=area.pk, status=Status.IN_PROGRESS).update(n=7)
    dashboard = viewer.get("/").context["board"]
    shown = next(row for row in dashboard.areas if row.area.pk == area.pk)
    assert shown.counts.by_status[Status.IN_PROGRESS] == 7
    assert shown.counts.overdue == 4
    page = viewer.get("/organizations/IOM/").context["data"]
    assert page.counts.by_status[Status.IN_PROGRESS] == 4
    assert page.counts.overdue == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_add_up(plan, organizations, coordinator):
    """Eight people at once, each changing items of the same area and organisation in their
    own transactions: every change is counted once."""
    area = plan.areas.get(code="B")
    items = [
        ActionPointFactory(area=area, code=f"B-{n}", leads=[organizations["IOM"]])
        for n in range(40)
    ]
    user = coordinator.user
    errors: list[BaseException] = []

    def work(mine: list[ActionPoint]) -> None:
        try:
            for status in (Status.IN_PROGRESS, Status.BLOCKED, Status.DONE):
                for item in mine:
                    fresh = ActionPoint.objects.get(pk=item.pk)
                    services.change_action_point(action_point=fresh, by=user, status=status)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(items[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_right()
    assert dict(kept()[0])[(area.pk, 0, Status.DONE)] == 40


@pytest.mark.django_db(transaction=True)
def test_the_counts_stay_right_when_migration_0024_is_taken_back(plan, organizations):
    """0024 replaced the row triggers with statement triggers; reversed, the row triggers
    count again, and forward once more the statement triggers do."""
    items = [
        ActionPointFactory(
            area=plan.areas.get(code="A"), code=f"A-{n}", leads=[organizations["IOM"]]
        )
        for n in range(3)
    ]
    try:
        call_command("migrate", "actions", "0023", verbosity=0)
        ActionPoint.objects.filter(pk=items[0].pk).update(status=Status.DONE)
        items[1].lead_organizations.add(organizations["UNHCR"])
        assert_right()
    finally:
        call_command("migrate", "actions", verbosity=0)
    ActionPoint.objects.filter(pk__in=[i.pk for i in items]).update(status=Status.BLOCKED)
    items[2].lead_organizations.clear()
    assert_right()


def test_the_search_document_follows_items_and_leaves_with_them(plan):
    generate_load_data(actions=20)
    ids = list(ActionPoint.objects.values_list("pk", flat=True))
    assert SearchDocument.objects.filter(action_point_id__in=ids).count() == len(ids)
    remove_load_data()
    assert not SearchDocument.objects.filter(action_point_id__in=ids).exists()
    assert progress_counts.stored()


def listed_total(client, query: str = "") -> int:
    return client.get(f"/actions/{query}").context["page"].paginator.count


def test_a_list_that_nothing_narrows_shows_the_kept_total(plan, organizations, viewer):
    call_command("load_demo")
    generate_load_data(actions=60)
    total = ActionPoint.objects.count()
    with CaptureQueriesContext(connection) as queries:
        page = viewer.get("/actions/?page=2&sort=due_date")
    assert page.context["page"].paginator.count == total
    assert f"{total} action points" in page.content.decode()
    assert not [q for q in queries if "COUNT(*)" in q["sql"] and "actions_actionpoint" in q["sql"]]
    assert viewer.get("/api/actions/").json()["count"] == total
    remove_load_data()  # plain SQL deletes
    assert listed_total(viewer) == ActionPoint.objects.count() == 35
    # A filter counts the items it lists.
    started = ActionPoint.objects.filter(status=Status.IN_PROGRESS).count()
    assert 0 < started < 35
    assert listed_total(viewer, "?status=in_progress") == started
    assert viewer.get("/api/actions/?status=in_progress").json()["count"] == started
