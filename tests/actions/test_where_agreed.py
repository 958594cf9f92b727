"""Where each action point was agreed: the 2017 plan's items say the PIM training of
15 December 2017 on their page, in the exports and the API, and are not "new" in the
first digest or the joint update after they are imported."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone

from actions import services
from actions.digests.email import compose
from actions.digests.snapshot import Snapshot
from actions.digests.weeks import current_period
from actions.joint_update import joint_update
from actions.models import ActionPoint, DigestKind, Status
from actions.plan_files.importing import import_plan

SHIPPED = Path(__file__).resolve().parents[2] / "actions" / "plans" / "libya-pim-2017.toml"
TRAINING = "2017 Protection Information Management training for Libya Protection Cluster"
AGREED = f"Agreed at the <bdi>{TRAINING}</bdi> on 15 December 2017."


@pytest.fixture
def imported(db):
    return import_plan(SHIPPED).plan


def test_each_of_the_35_pages_says_it_was_agreed_at_the_2017_training(imported, viewer):
    items = list(ActionPoint.objects.filter(plan=imported))
    assert len(items) == 35
    for item in items:
        page = viewer.get(item.get_absolute_url()).content.decode()
        assert AGREED in page, item.code


def test_the_report_sentence_is_kept_as_agreed_and_the_title_is_marked_a_summary(imported, viewer):
    item = ActionPoint.objects.get(plan=imported, code="C-1")
    page = viewer.get(item.get_absolute_url()).content.decode()
    assert 'id="summary-label"' in page and ">Summary<" in page
    assert 'id="as-agreed"' in page
    assert "consider launching a PC IMWG" in item.agreed_text
    assert item.agreed_text == item.description


def test_the_first_digest_after_the_import_does_not_call_the_items_new(imported, coordinator):
    person = coordinator.person
    period = current_period()
    snapshot = Snapshot.load(period=period, people=[person.pk])
    composed = compose(person=person, kind=DigestKind.CORE_GROUP, period=period, snapshot=snapshot)
    section = next(s for s in composed.digest.plans if s.title == imported.title)
    assert section.added.total == 0
    assert section.changes.total == 0
    assert "added to the plan" not in composed.text


def test_an_item_agreed_now_is_new_in_the_digest(imported, coordinator):
    area = imported.areas.get(code="A")
    services.create_action_point(
        by=coordinator.user, plan=imported, area=area, code="A-6", title="A new point"
    )
    person = coordinator.person
    period = current_period()
    snapshot = Snapshot.load(period=period, people=[person.pk])
    composed = compose(person=person, kind=DigestKind.CORE_GROUP, period=period, snapshot=snapshot)
    section = next(s for s in composed.digest.plans if s.title == imported.title)
    assert [row.code for row in section.changes.rows] == ["A-6"]


def test_the_joint_update_after_the_import_lists_nothing_new(imported, viewer):
    today = timezone.localdate()
    report = joint_update(imported, today - datetime.timedelta(days=30), today, today)
    assert report.created == [] and report.changed_count == 0 and report.entry_count == 0
    b8 = ActionPoint.objects.get(plan=imported, code="B-8")
    services.change_action_point(action_point=b8, by=None, status=Status.IN_PROGRESS)
    report = joint_update(imported, today - datetime.timedelta(days=30), today, today)
    assert [c.item.code for a in report.areas for c in a.changed] == ["B-8"]
    assert not [c for a in report.areas for c in a.changed if c.is_new]


def test_the_csv_export_says_where_and_when_each_item_was_agreed(imported, viewer):
    response = viewer.get("/actions/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 35
    for row in rows:
        assert row["Agreed at"] == TRAINING
        assert row["Agreed on"] == "2017-12-15"
        assert row["As agreed"]
    c1 = next(row for row in rows if row["Code"] == "C-1")
    assert (c1["Forum"], c1["Forum inferred"]) == ("PC", "yes")


def test_the_api_says_where_and_when_each_item_was_agreed(imported, viewer):
    b8 = ActionPoint.objects.get(plan=imported, code="B-8")
    data = viewer.get(f"/api/actions/{b8.pk}/").json()
    assert data["agreed"]["event"] == TRAINING
    assert data["agreed"]["on"] == "2017-12-15"
    assert data["agreed"]["as_agreed"].startswith("ACTED to share data points")
    listed = viewer.get("/api/actions/?page_size=100").json()["results"]
    assert {row["agreed"]["on"] for row in listed} == {"2017-12-15"}


def test_an_item_added_in_the_site_says_so_and_not_where_agreed(plan, coordinator):
    area = plan.areas.get(code="A")
    item = services.create_action_point(
        by=coordinator.user, plan=plan, area=area, code="A-1", title="Added here"
    )
    page = coordinator.get(item.get_absolute_url()).content.decode()
    assert "where it was agreed is not recorded" in page
    assert 'id="summary-label"' not in page
