"""Request bodies within bounds, refused before they are read, and texts of a sane length.

The limits (README, "Limits"): 8 KB for anyone not signed in (a draft's 256 KB to the
forms that keep drafts), 1 MB for a signed-in page, 5 MB and a little for the
spreadsheet import; descriptions and other long texts at most 10,000 characters.
"""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from actions.models import ActionPoint, Status
from pimtracker.drafts import SESSION_KEY as DRAFT_KEY
from tests.factories import ActionPointFactory


@pytest.fixture
def item(plan):
    return ActionPointFactory(area=plan.areas.get(code="A"), code="A-1", title="Sharing")


def edit_data(item, **changes) -> dict:
    data = {
        "area": item.area_id,
        "code": item.code,
        "title": item.title,
        "description": "",
        "status": Status.NOT_STARTED,
        "position": 0,
        "version": item.version,
    }
    return {**data, **changes}


def state(item) -> tuple:
    fresh = ActionPoint.objects.get(pk=item.pk)
    return fresh.description, fresh.version, fresh.updates.count()


def test_an_anonymous_body_larger_than_the_sign_in_form_needs_is_refused(anonymous, db):
    response = anonymous.post("/accounts/login/", {"username": "a", "password": "p" * 9000})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Too much was sent" in page
    assert "Sign in first: before signing in, only the sign-in form can be sent." in page
    assert not AccessAttempt.objects.exists()  # no sign-in was tried


def test_the_refusal_is_in_arabic_too(db):
    client = Client(headers={"accept-language": "ar"})
    response = client.post("/accounts/login/", {"username": "a", "password": "p" * 9000})
    assert response.status_code == 413
    assert "سجّل الدخول أولًا" in response.content.decode()


def test_a_sign_in_with_a_long_password_still_fits(anonymous, coordinator):
    response = anonymous.post(
        "/accounts/login/", {"username": "coordinator", "password": "p" * 4000, "next": "/"}
    )
    assert response.status_code == 200  # a wrong password, answered as such
    assert "Please enter a correct username and password" in response.content.decode()


def test_an_anonymous_chunked_body_is_refused_unread(anonymous, db):
    response = anonymous.generic(
        "POST",
        "/accounts/login/",
        b"username=a&password=b",
        content_type="application/x-www-form-urlencoded",
        headers={"transfer-encoding": "chunked"},
    )
    assert response.status_code == 413


def test_a_content_length_that_is_no_number_is_a_bad_request(anonymous, db):
    response = anonymous.generic("POST", "/accounts/login/", b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_a_form_kept_as_a_draft_may_be_larger_when_signed_out(anonymous, item):
    description = "وصف " * 5_000  # 20,000 characters of Arabic, some 200 KB as sent
    response = anonymous.post(f"/actions/{item.pk}/edit/", edit_data(item, description=description))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert anonymous.session[DRAFT_KEY]["fields"]["description"] == [description]


def test_a_two_megabyte_description_is_refused_before_it_is_read(coordinator, item):
    before = state(item)
    data = edit_data(item, description="d" * 2_400_000)
    response = coordinator.post(f"/actions/{item.pk}/edit/", data)
    assert response.status_code == 413
    assert "This page accepts at most 1 MB at a time. Nothing was changed" in (
        response.content.decode()
    )
    assert state(item) == before


def test_a_description_over_ten_thousand_characters_is_a_form_error(coordinator, item):
    before = state(item)
    response = coordinator.post(
        f"/actions/{item.pk}/edit/", edit_data(item, description="d" * 10_001)
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters (it has 10001)." in (
        response.content.decode()
    )
    assert 'maxlength="10000"' in response.content.decode()
    assert state(item) == before


def test_a_description_of_ten_thousand_characters_is_saved(coordinator, item):
    response = coordinator.post(
        f"/actions/{item.pk}/edit/", edit_data(item, description="d" * 10_000)
    )
    assert response.status_code == 302
    assert len(ActionPoint.objects.get(pk=item.pk).description) == 10_000


def test_the_service_holds_to_the_limit_too(item):
    from django.core.exceptions import ValidationError

    from actions import services

    with pytest.raises(ValidationError):
        services.change_action_point(
            action_point=item, by=None, description="d" * 10_001, expected_version=1
        )
    assert ActionPoint.objects.get(pk=item.pk).version == 1


def test_a_spreadsheet_larger_than_the_import_takes_is_refused_before_it_is_read(
    coordinator, item, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.csv", b"Plan,Area\n" + b"x" * (6 * 1024 * 1024))
    response = coordinator.post("/actions/import/", {"file": upload})
    assert response.status_code == 413
    assert "This page accepts at most 5 MB at a time." in response.content.decode()
