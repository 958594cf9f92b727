"""What was typed survives an expired session: kept through sign-in, shown again filled in,
saved only when the person saves it."""

import re

import pytest
from django.test import Client

from actions.models import ActionPoint, Status
from tests.conftest import enter_code
from tests.factories import PASSWORD, ActionPointFactory


@pytest.fixture
def item(plan, organizations):
    return ActionPointFactory(
        area=plan.areas.get(code="B"), code="B-7", leads=[organizations["IOM"]]
    )


def expired(client: Client) -> Client:
    """The same browser after its session expired: cookies kept, the session gone."""
    client.session.flush()
    client.cookies.pop("sessionid", None)
    return client


def sign_in(client: Client, username: str, next_url: str):
    return client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD, "next": next_url}
    )


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>\s*(.*?)</textarea>', page, re.S)
    return match.group(1).strip() if match else ""


def test_a_note_typed_after_the_session_expired_is_kept_through_sign_in(partner_iom, item):
    page = f"/actions/{item.pk}/"
    note = "Two agreements signed; the third is with the legal office."
    client = expired(partner_iom)
    response = client.post(
        f"/actions/{item.pk}/update/",
        {"status": Status.IN_PROGRESS, "note": note, "version": item.version},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/actions/{item.pk}/"
    assert "What you typed is kept" in client.get(response["Location"]).content.decode()
    assert ActionPoint.objects.get(pk=item.pk).version == 1  # nothing saved unseen

    response = sign_in(client, partner_iom.user.username, page)
    assert response["Location"] == page
    shown = client.get(page).content.decode()
    assert textarea(shown, "note") == note
    assert "back in the form" in shown
    assert ActionPoint.objects.get(pk=item.pk).updates.count() == 1

    client.post(
        f"/actions/{item.pk}/update/",
        {"status": Status.IN_PROGRESS, "note": note, "version": item.version},
    )
    entry = ActionPoint.objects.get(pk=item.pk).updates.latest("created_at")
    assert (entry.note, entry.status_after, entry.author) == (
        note,
        Status.IN_PROGRESS,
        partner_iom.user,
    )
    assert textarea(client.get(page).content.decode(), "note") == ""  # shown once


def test_a_draft_is_shown_only_on_its_own_page(partner_iom, item, plan):
    other = ActionPointFactory(area=item.area, code="B-8", leads=[item.lead_organizations.first()])
    client = expired(partner_iom)
    client.post(f"/actions/{item.pk}/update/", {"status": "done", "note": "Mine.", "version": 1})
    sign_in(client, partner_iom.user.username, f"/actions/{item.pk}/")
    assert "Mine." not in client.get(f"/actions/{other.pk}/").content.decode()
    assert textarea(client.get(f"/actions/{item.pk}/").content.decode(), "note") == "Mine."


def test_the_coordinators_edit_form_is_kept_too(coordinator, item):
    client = expired(coordinator)
    edit = f"/actions/{item.pk}/edit/"
    data = {
        "area": item.area_id,
        "code": "B-7",
        "title": "A title typed while signed out",
        "description": "",
        "status": Status.BLOCKED,
        "due_date": "",
        "lead_organizations": "IOM",
        "forum": "",
        "parent": "",
        "position": item.position,
        "note": "",
        "version": item.version,
    }
    response = client.post(edit, data)
    assert response["Location"] == f"/accounts/login/?next={edit}"
    sign_in(client, coordinator.user.username, edit)
    enter_code(client, coordinator.user)  # a coordinator's second step of signing in
    page = client.get(edit).content.decode()
    assert 'value="A title typed while signed out"' in page
    item.refresh_from_db()
    assert item.title != "A title typed while signed out"  # shown, not saved
    assert item.version == 1
