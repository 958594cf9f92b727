"""Coordinators' forms: create and edit action points, change many statuses at once.

Each write goes through the service (one journal row per item); refusals keep what the
coordinator typed and change nothing. Who may post here at all is in test_permissions.
"""

import datetime

import pytest

from actions import services
from actions.models import ActionPoint, ActionUpdate, Status
from tests.actions.conftest import html_of
from tests.factories import ActionPointFactory, ForumFactory, PersonFactory

# --- Coordinator forms -----------------------------------------------------------------------


def test_coordinator_creates_an_action_point(coordinator, plan, organizations):
    forum = ForumFactory(acronym="IMWG", name="Information Management Working Group")
    focal = PersonFactory(organization=organizations["ACTED"])
    response = coordinator.post(
        "/actions/new/",
        {
            "plan": plan.pk,
            "area": plan.areas.get(code="B").pk,
            "code": "B-9",
            "title": "Map data-sharing agreements",
            "description": "All partners.",
            "status": Status.NOT_STARTED,
            "due_date": "2018-03-31",
            "lead_organizations": "iom, ACTED",
            "forum": "imwg",
            "focal_points": [focal.pk],
            "position": 9,
            "note": "Agreed at the PWG meeting.",
        },
    )
    item = ActionPoint.objects.get(code="B-9")
    assert response["Location"] == f"/actions/{item.pk}/"
    assert {o.acronym for o in item.lead_organizations.all()} == {"IOM", "ACTED"}
    assert item.forum == forum
    assert list(item.focal_points.all()) == [focal]
    assert item.due_date == datetime.date(2018, 3, 31)
    entry = item.updates.get()
    assert (entry.kind, entry.author, entry.note) == (
        ActionUpdate.Kind.CREATED,
        coordinator.user,
        "Agreed at the PWG meeting.",
    )


def test_create_refuses_unknown_acronyms_and_duplicate_codes(coordinator, plan, organizations):
    ActionPointFactory(area=plan.areas.get(code="B"), code="B-1")
    base = {
        "plan": plan.pk,
        "area": plan.areas.get(code="B").pk,
        "title": "x",
        "status": Status.NOT_STARTED,
        "position": 0,
    }
    response = coordinator.post(
        "/actions/new/", {**base, "code": "B-2", "lead_organizations": "NOPE"}
    )
    assert "Unknown organisation acronym: NOPE" in html_of(response)
    response = coordinator.post("/actions/new/", {**base, "code": "B-2", "forum": "NOPE"})
    assert "There is no forum with the acronym" in html_of(response)
    response = coordinator.post("/actions/new/", {**base, "code": "B-1"})
    assert response.status_code == 200
    assert "already exists" in html_of(response)
    assert ActionPoint.objects.count() == 1


def test_coordinator_edits_through_the_service_with_the_version(coordinator, item, organizations):
    response = coordinator.post(
        f"/actions/{item.pk}/edit/",
        {
            "area": item.area_id,
            "code": item.code,
            "title": "Protection mainstreaming checklist",
            "description": item.description,
            "status": Status.IN_PROGRESS,
            "lead_organizations": "IOM, UNHCR",
            "forum": "PWG",
            "parent": "C-8",
            "position": item.position,
            "version": item.version,
            "note": "UNHCR joins.",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Protection mainstreaming checklist"
    assert item.version == 2
    assert {o.acronym for o in item.lead_organizations.all()} == {"IOM", "UNHCR"}
    assert item.focal_points.count() == 0  # the form sent none
    entry = item.updates.first()
    assert entry.note == "UNHCR joins."
    assert "title" in entry.changes


def test_edit_with_a_stale_version_is_refused_and_keeps_the_form(coordinator, item):
    services.change_action_point(action_point=item, by=None, status=Status.BLOCKED)
    response = coordinator.post(
        f"/actions/{item.pk}/edit/",
        {
            "area": item.area_id,
            "code": item.code,
            "title": "My unsaved title",
            "status": Status.DONE,
            "position": 0,
            "version": 1,
        },
    )
    assert response.status_code == 409
    html = html_of(response)
    assert 'value="My unsaved title"' in html
    assert "It is now “Blocked”" in html
    item.refresh_from_db()
    assert (item.title, item.status, item.version) == (
        "Protection mainstreaming",
        Status.BLOCKED,
        2,
    )


def test_edit_form_shows_current_values(coordinator, item):
    html = html_of(coordinator.get(f"/actions/{item.pk}/edit/"))
    assert 'value="C-8.2"' in html
    assert 'value="IOM"' in html
    assert 'value="C-8"' in html
    assert f'name="version" value="{item.version}"' in html


# --- Bulk status change ------------------------------------------------------------------------


@pytest.fixture
def three(plan):
    area = plan.areas.get(code="D")
    return [ActionPointFactory(area=area, code=f"D-{n}") for n in (1, 2, 3)]


def test_bulk_change_writes_one_journal_row_each(coordinator, three):
    a, b, c = three
    response = coordinator.post(
        "/actions/bulk/",
        {
            "ids": [a.pk, b.pk],
            "status": Status.IN_PROGRESS,
            "note": "Kick-off done.",
            "next": "/actions/?area=D",
        },
        follow=True,
    )
    assert response.redirect_chain[0][0] == "/actions/?area=D"
    assert "2 items set to “In progress”: D-1, D-2." in html_of(response)
    for obj in (a, b):
        obj.refresh_from_db()
        assert obj.status == Status.IN_PROGRESS
        assert obj.updates.count() == 2
        assert obj.updates.first().note == "Kick-off done."
    c.refresh_from_db()
    assert (c.status, c.updates.count()) == (Status.NOT_STARTED, 1)


def test_bulk_change_leaves_rows_changed_meanwhile(coordinator, three):
    a, b, _ = three
    services.change_action_point(action_point=a, by=None, status=Status.BLOCKED)
    response = coordinator.post(
        "/actions/bulk/",
        {"ids": [a.pk, b.pk], "status": Status.DONE, f"version_{a.pk}": 1, f"version_{b.pk}": 1},
        follow=True,
    )
    assert "left as they are: D-1" in html_of(response)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (Status.BLOCKED, Status.DONE)


@pytest.mark.parametrize(
    "data",
    [
        {"ids": ["abc"], "status": Status.DONE},
        {"ids": [], "status": Status.DONE},
        {"status": "finished"},
        {"ids": ["²"], "status": Status.DONE},  # a digit that is not a number
        {"ids": ["99999999999999999999999"], "status": Status.DONE},
    ],
)
def test_bulk_change_with_bad_values_changes_nothing(coordinator, three, data):
    if "ids" not in data:
        data = {**data, "ids": [three[0].pk]}
    response = coordinator.post("/actions/bulk/", data)
    assert response.status_code == 302
    assert ActionUpdate.objects.count() == 3
    assert set(ActionPoint.objects.values_list("status", flat=True)) == {Status.NOT_STARTED}


def test_bulk_change_without_a_chosen_status_asks_for_one(coordinator, three):
    response = coordinator.post("/actions/bulk/", {"ids": [three[0].pk], "status": ""}, follow=True)
    assert "Choose the new status for the selected items." in html_of(response)
    assert ActionUpdate.objects.count() == 3
    page = coordinator.get("/actions/")
    assert '<option value="">Choose…</option>' in html_of(page)


def test_bulk_change_ignores_an_offsite_next(coordinator, three):
    response = coordinator.post(
        "/actions/bulk/",
        {"ids": [three[0].pk], "status": Status.DONE, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/actions/"


def test_list_offers_the_bulk_form_to_coordinators_only(coordinator, partner_iom, three):
    html = html_of(coordinator.get("/actions/"))
    assert 'id="bulk-form"' in html
    assert f'name="ids" value="{three[0].pk}"' in html
    assert 'id="bulk-submit"' in html
    assert 'id="bulk-form"' not in html_of(partner_iom.get("/actions/"))


def test_bulk_change_ignores_a_version_that_is_not_a_number(coordinator, three):
    item = three[0]
    response = coordinator.post(
        "/actions/bulk/", {"ids": [item.pk], "status": Status.DONE, f"version_{item.pk}": "²"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.DONE


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "abc", "-1"])
def test_tampered_choices_give_form_errors_not_server_errors(coordinator, item, value):
    data = {
        "plan": value,
        "area": value,
        "code": "C-99",
        "title": "x",
        "status": Status.NOT_STARTED,
        "position": value,
        "focal_points": [value],
        "version": value,
    }
    assert coordinator.post("/actions/new/", data).status_code == 200
    assert coordinator.post(f"/actions/{item.pk}/edit/", data).status_code == 200
    assert not ActionPoint.objects.filter(code="C-99").exists()
    assert ActionUpdate.objects.count() == 3  # the three items' creation, nothing since
