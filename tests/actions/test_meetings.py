"""Meetings: a coordinator records one and its decisions; the item's page and the
meeting's page show each other; the joint update lists the period's meetings."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from actions.meetings import services as meeting_services
from actions.models import ActionPoint, ActionUpdate, Meeting, Status
from actions.plan_files.importing import import_plan
from participants.models import Forum, Organization

SHIPPED = Path(__file__).resolve().parents[2] / "actions" / "plans" / "libya-pim-2017.toml"


@pytest.fixture
def imported(db):
    return import_plan(SHIPPED).plan


def test_a_pwg_meeting_sets_b8_in_progress_and_the_pages_show_each_other(
    imported, coordinator, viewer
):
    pwg = Forum.objects.get(acronym="PWG")
    acted, iom = Organization.objects.get(acronym="ACTED"), Organization.objects.get(acronym="IOM")
    response = coordinator.post(
        "/meetings/new/",
        {
            "forum": pwg.pk,
            "date": "2026-11-30",
            "organizations": [acted.pk, iom.pk],
            "record": "ACTED presented the protection monitoring data points.",
            "plan": imported.pk,
            "codes": "B-7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/meetings/{meeting.pk}/"

    b8 = ActionPoint.objects.get(plan=imported, code="B-8")
    response = coordinator.post(
        f"/meetings/{meeting.pk}/decisions/",
        {
            "plan": imported.pk,
            "code": "b-8",
            "status": Status.IN_PROGRESS,
            "note": "ACTED shares the data points by the end of the month.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    b8.refresh_from_db()
    assert b8.status == Status.IN_PROGRESS and b8.version == 2
    entry = b8.updates.latest()
    assert entry.meeting == meeting and entry.status_before == Status.NOT_STARTED

    item_page = viewer.get(b8.get_absolute_url()).content.decode()
    assert f'href="/meetings/{meeting.pk}/"' in item_page
    assert "PWG meeting, 30 November 2026" in item_page
    assert "decided at the PWG meeting, 30 November 2026" in item_page

    meeting_page = viewer.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/actions/{b8.pk}/#journal"' in meeting_page
    assert f'id="decision-{entry.pk}"' in meeting_page
    assert "ACTED shares the data points by the end of the month." in meeting_page
    assert "In progress" in meeting_page
    assert "ACTED" in meeting_page and "IOM" in meeting_page
    # Discussed without a decision, and decided: both listed.
    assert {i.code for i in meeting.items.all()} == {"B-7", "B-8"}
    assert 'id="decision-form"' not in meeting_page  # a viewer records nothing


def test_a_decision_about_an_unknown_code_writes_nothing(imported, coordinator):
    meeting = Meeting.objects.create(
        forum=Forum.objects.get(acronym="PWG"), date=datetime.date(2026, 11, 30)
    )
    journal = ActionUpdate.objects.count()
    response = coordinator.post(
        f"/meetings/{meeting.pk}/decisions/",
        {"plan": imported.pk, "code": "Z-9", "status": Status.DONE},
    )
    assert response.status_code == 400
    assert "This plan has no action point Z-9." in response.content.decode()
    assert ActionUpdate.objects.count() == journal


def test_the_joint_update_lists_the_periods_meetings(imported, coordinator, viewer):
    today = timezone.localdate()
    pwg = Forum.objects.get(acronym="PWG")
    recent = meeting_services.save_meeting(
        by=coordinator.user, forum=pwg, date=today, organizations=[], record="Core group.",
        items=[],
    )  # fmt: skip
    old = meeting_services.save_meeting(
        by=coordinator.user, forum=pwg, date=today - datetime.timedelta(days=90),
        organizations=[], record="", items=[],
    )  # fmt: skip
    page = viewer.get(f"/plans/{imported.pk}/update/").content.decode()
    assert f'href="/meetings/{recent.pk}/"' in page
    assert f'href="/meetings/{old.pk}/"' not in page


def test_the_meetings_page_is_linked_from_the_navigation(imported, viewer):
    assert 'href="/meetings/"' in viewer.get("/").content.decode()


def _meetings(count: int, imported, coordinator) -> None:
    pwg = Forum.objects.get(acronym="PWG")
    orgs = list(Organization.objects.all()[:3])
    items = list(ActionPoint.objects.filter(plan=imported)[:4])
    for n in range(count):
        meeting = meeting_services.save_meeting(
            by=coordinator.user, forum=pwg, date=datetime.date(2026, 1, 1 + n),
            organizations=orgs, record=f"Meeting {n}", items=items,
        )  # fmt: skip
        meeting_services.record_decision(
            meeting=meeting, by=coordinator.user, action_point=items[0], note=f"Decision {n}"
        )


@pytest.mark.parametrize("count", [2, 12])
def test_the_meeting_list_reads_a_fixed_number_of_queries(
    imported, coordinator, viewer, count, django_assert_num_queries
):
    _meetings(count, imported, coordinator)
    with django_assert_num_queries(
        2  # the session; the user with its groups and person (role)
        + 1  # the count, for the pages
        + 1  # a page of meetings, their forum, their counts of items and decisions
        + 1  # their organisations
    ):
        response = viewer.get("/meetings/")
    assert response.content.decode().count('id="meeting-') == count


@pytest.mark.parametrize("count", [1, 8])
def test_a_meeting_page_reads_a_fixed_number_of_queries(
    imported, coordinator, viewer, count, django_assert_num_queries
):
    _meetings(1, imported, coordinator)
    meeting = Meeting.objects.get()
    items = list(ActionPoint.objects.filter(plan=imported)[: count + 1])
    for item in items[1:]:
        meeting_services.record_decision(
            meeting=meeting, by=coordinator.user, action_point=item, note="Agreed."
        )
    with django_assert_num_queries(
        2  # the session; the user with its groups and person (role)
        + 1  # the meeting and its forum
        + 1  # the organisations present
        + 1  # the items discussed, with their plan
        + 1  # the decisions: journal rows with their item and author
        + 1  # the links
    ):
        response = viewer.get(f"/meetings/{meeting.pk}/")
    assert response.content.decode().count('id="decision-') == count + 1


def test_an_item_created_at_a_meeting_says_it_was_agreed_there(imported, coordinator, viewer):
    meeting = meeting_services.save_meeting(
        by=coordinator.user, forum=Forum.objects.get(acronym="PWG"),
        date=datetime.date(2026, 11, 30), organizations=[], record="", items=[],
    )  # fmt: skip
    form = coordinator.get(f"/actions/new/?meeting={meeting.pk}").content.decode()
    assert 'id="agreed-at-meeting"' in form
    response = coordinator.post(
        "/actions/new/",
        {
            "meeting": meeting.pk,
            "plan": imported.pk,
            "area": imported.areas.get(code="C").pk,
            "code": "C-9",
            "title": "Share the PWG ToR draft with the core group",
            "status": Status.NOT_STARTED,
            "position": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = ActionPoint.objects.get(plan=imported, code="C-9")
    assert (item.agreed_meeting, item.agreed_on) == (meeting, meeting.date)
    page = viewer.get(item.get_absolute_url()).content.decode()
    assert f'Agreed at a <a href="/meetings/{meeting.pk}/">meeting of the PWG</a>' in page
    meeting_page = viewer.get(meeting.get_absolute_url()).content.decode()
    assert f'href="/actions/{item.pk}/#journal"' in meeting_page  # its decisions
    assert f'href="/actions/{item.pk}/"' in meeting_page  # the items discussed
