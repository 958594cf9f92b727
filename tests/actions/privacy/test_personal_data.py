"""The personal-data guard: what it flags, and how a writer meets it on every form that
writes the journal, and in the service itself."""

import pytest

from actions import services
from actions.models import ActionPoint, ActionUpdate, Status
from actions.personal_data import PersonalDataFound, find_personal_data
from tests.factories import ActionPointFactory

PHONE = "+218 91 234 5678"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (f"Call Amal on {PHONE} tomorrow.", "phone"),
        ("Her number is 091-2345678.", "phone"),
        ("Mobile 0912345678", "phone"),
        ("Office: 00218 21 333 4444", "phone"),
        ("UK desk +44 20 7946 0958", "phone"),
        ("Write to amal.b@example.org for the list.", "email"),
        ("National ID 119876543210 was shared.", "id_number"),
        ("Passport LY1234567 scanned.", "id_number"),
    ],
)
def test_phone_numbers_emails_and_id_numbers_are_flagged(text, kind):
    assert [f.kind for f in find_personal_data(text)] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Agreed on 2017-12-15 at the PIM training, reviewed 15/12/2017 and 15.12.2017.",
        "Follow-up of A-1, C-8.2 and D-5.4 in 2018.",
        "45% done; 1,000,000 people reached; 120 families; 3 of 5 partners.",
        "From 2017 to 2018, meeting at 10:30 in room 12.",
        "",
    ],
)
def test_dates_years_codes_and_percentages_are_not_flagged(text):
    assert find_personal_data(text) == []


def test_the_service_refuses_an_unconfirmed_note_and_writes_nothing(plan, coordinator):
    item = ActionPointFactory(area=plan.areas.get(code="B"), code="B-2")
    with pytest.raises(PersonalDataFound):
        services.change_action_point(
            action_point=item, by=coordinator.user, note=f"Call {PHONE}", status=Status.DONE
        )
    item.refresh_from_db()
    assert (item.version, item.status, item.updates.count()) == (1, Status.NOT_STARTED, 1)


def test_the_service_journals_a_confirmed_note_as_confirmed(plan, coordinator):
    item = ActionPointFactory(area=plan.areas.get(code="B"), code="B-2")
    entry = services.change_action_point(
        action_point=item, by=coordinator.user, note=f"Call {PHONE}", pii_confirmed=True
    )
    assert (entry.note, entry.pii_confirmed) == (f"Call {PHONE}", True)
    plain = services.change_action_point(
        action_point=item, by=coordinator.user, note="Met.", pii_confirmed=True
    )
    assert plain.pii_confirmed is False  # nothing was flagged: nothing to record


def test_a_bulk_change_with_a_flagged_note_changes_no_item(plan, coordinator):
    items = [ActionPointFactory(area=plan.areas.get(code="A"), code=f"A-{n}") for n in (1, 2)]
    with pytest.raises(PersonalDataFound):
        services.change_status_of_many(
            ids=[i.pk for i in items], by=coordinator.user, status=Status.DONE, note=PHONE
        )
    assert ActionUpdate.objects.count() == 2  # the two "created" rows


def test_the_update_form_warns_and_saves_nothing_until_confirmed(plan, organizations, coordinator):
    item = ActionPointFactory(area=plan.areas.get(code="B"), code="B-2")
    data = {"status": Status.IN_PROGRESS, "note": f"Ring Amal on {PHONE}.", "version": 1}
    response = coordinator.post(f"/actions/{item.pk}/update/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This looks like personal data (a phone number: +218 91 234 5678)" in page
    assert 'name="pii_confirmed"' in page
    item.refresh_from_db()
    assert (item.version, item.updates.count()) == (1, 1)

    response = coordinator.post(f"/actions/{item.pk}/update/", {**data, "pii_confirmed": "1"})
    assert response.status_code == 302
    entry = item.updates.latest()
    assert (entry.note, entry.pii_confirmed) == (f"Ring Amal on {PHONE}.", True)
    page = coordinator.get(f"/actions/{item.pk}/").content.decode()
    assert "writer confirmed it; digests leave it out" in page


def test_the_confirmation_box_is_shown_only_when_something_was_flagged(plan, coordinator):
    item = ActionPointFactory(area=plan.areas.get(code="B"), code="B-2")
    assert 'name="pii_confirmed"' not in coordinator.get(f"/actions/{item.pk}/").content.decode()
    assert 'name="pii_confirmed"' not in coordinator.get("/actions/new/").content.decode()


def test_the_edit_form_guards_title_and_description(plan, coordinator):
    item = ActionPointFactory(area=plan.areas.get(code="B"), code="B-2", title="Protocol")
    data = {
        "area": item.area_id,
        "code": "B-2",
        "title": "Protocol",
        "description": "Contact: focal.point@ngo.example for the draft.",
        "status": Status.NOT_STARTED,
        "position": 0,
        "version": 1,
    }
    response = coordinator.post(f"/actions/{item.pk}/edit/", data)
    assert response.status_code == 200
    assert "an e-mail address: focal.point@ngo.example" in response.content.decode()
    assert ActionPoint.objects.get(pk=item.pk).version == 1

    response = coordinator.post(f"/actions/{item.pk}/edit/", {**data, "pii_confirmed": "on"})
    assert response.status_code == 302
    assert item.updates.latest().pii_confirmed is True


def test_a_new_item_with_a_phone_in_its_title_waits_for_confirmation(plan, coordinator):
    data = {
        "plan": plan.pk,
        "area": plan.areas.get(code="D").pk,
        "code": "D-9",
        "title": "Hotline 0912345678",
        "status": Status.NOT_STARTED,
        "position": 0,
    }
    assert coordinator.post("/actions/new/", data).status_code == 200
    assert not ActionPoint.objects.filter(code="D-9").exists()
    assert coordinator.post("/actions/new/", {**data, "pii_confirmed": "1"}).status_code == 302
    assert ActionPoint.objects.get(code="D-9").updates.get().pii_confirmed is True


def test_the_bulk_form_refuses_a_flagged_note(plan, coordinator):
    item = ActionPointFactory(area=plan.areas.get(code="A"), code="A-1")
    data = {"ids": [item.pk], "status": Status.DONE, "note": f"Done, call {PHONE}"}
    response = coordinator.post("/actions/bulk/", data, follow=True)
    assert "This looks like personal data" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.NOT_STARTED
