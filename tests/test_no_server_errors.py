"""The attacks of the security review that answered 500, each a clear refusal now.

Long usernames and NUL bytes were database errors on PostgreSQL only (SQLite neither
checks a column's length nor refuses NUL), so these tests matter most on PostgreSQL; the
answers asserted here are the same on both.
"""

import pytest
from axes.models import AccessAttempt

from actions.models import ActionPoint, Status
from tests.conftest import pass_two_step
from tests.factories import ActionPointFactory, UserFactory

LONG_USERNAME = "u" * 256


@pytest.fixture
def admin(client, db):
    user = UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    pass_two_step(client, user)  # the admin asks for the second step first
    return client


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_256_character_username_is_a_form_error_on_both_sign_in_forms(client, db, path):
    response = client.post(path, {"username": LONG_USERNAME, "password": "whatever it is"})
    assert response.status_code == 200
    assert "No account has a username this long: usernames have at most 150 characters." in (
        response.content.decode()
    )
    assert not AccessAttempt.objects.exists()  # nothing to look up, nothing recorded


def test_the_sign_in_error_is_in_arabic_too(client, db):
    response = client.post(
        "/accounts/login/",
        {"username": LONG_USERNAME, "password": "x"},
        headers={"accept-language": "ar"},
    )
    assert "لا يوجد حساب باسم مستخدم بهذا الطول" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/actions/actionpoint/?status__exact=%00",
        "/admin/auth/user/?username=%00",
        "/admin/participants/organization/?acronym__startswith=a%00b",
        "/admin/actions/actionpoint/?q=%00",
    ],
)
def test_a_nul_byte_in_an_admin_filter_is_a_bad_request(admin, url):
    response = admin.get(url)
    assert response.status_code == 400
    assert "This request could not be understood" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "status"),
    [("/actions/?q=%00", 200), ("/actions/%00/", 404), ("/accounts/login/?next=%00", 200)],
)
def test_a_nul_byte_in_an_address_of_the_site_is_answered_by_its_forms(coordinator, url, status):
    assert coordinator.get(url).status_code == status


def test_a_nul_byte_in_an_admin_form_is_refused_and_changes_nothing(admin, plan):
    item = ActionPointFactory(area=plan.areas.get(code="A"), code="A-1", title="Sharing")
    response = admin.post(
        f"/admin/actions/actionpoint/{item.pk}/change/", {"title": "a\x00b", "version": 1}
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert (item.title, item.version) == ("Sharing", 1)


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_nul_byte_as_a_username_is_refused_before_anyone_looks_it_up(client, db, path):
    response = client.post(path, {"username": "a\x00", "password": "x"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "Null characters are not allowed." in response.content.decode()
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize(
    "next_value",
    ["foo", "home", "javascript:alert(1)", "http://evil.example/", "//evil.example/", "\\\\x"],
)
def test_a_bulk_change_with_a_bad_next_saves_and_returns_to_the_list(coordinator, plan, next_value):
    item = ActionPointFactory(area=plan.areas.get(code="A"), code="A-1")
    response = coordinator.post(
        "/actions/bulk/", {"ids": [item.pk], "status": Status.DONE, "next": next_value}
    )
    assert response.status_code == 302
    assert response["Location"] == "/actions/"
    assert ActionPoint.objects.get(pk=item.pk).status == Status.DONE


def test_a_bulk_change_returns_to_the_filtered_list_it_came_from(coordinator, plan):
    item = ActionPointFactory(area=plan.areas.get(code="A"), code="A-1")
    response = coordinator.post(
        "/actions/bulk/", {"ids": [item.pk], "status": Status.DONE, "next": "/actions/?area=A"}
    )
    assert response["Location"] == "/actions/?area=A"


def test_ids_beyond_any_integer_in_an_admin_form_are_a_form_error(admin, db):
    response = admin.post(
        "/admin/auth/group/add/", {"name": "Editors", "permissions": ["99999999999999999999999"]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
