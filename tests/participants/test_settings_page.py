"""/settings/: everyone signed in finds notifications, language and password in one place,
linked from the header."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["coordinator", "partner_iom", "viewer"])
def test_every_role_reaches_settings_from_the_header(request, role):
    client = request.getfixturevalue(role)
    dashboard = client.get("/").content.decode()
    assert '<a href="/settings/">Settings</a>' in dashboard

    page = client.get("/settings/").content.decode()
    assert "<h1>Settings</h1>" in page
    assert "You receive the weekly digest." in page
    assert 'href="/settings/notifications/"' in page
    assert 'href="/accounts/password_change/"' in page
    assert '<option value="en" selected>English</option>' in page


def test_an_account_without_a_role_can_still_change_its_password():
    client = Client()
    client.force_login(UserFactory(username="newcomer"))
    page = client.get("/settings/").content.decode()
    assert "not linked to a person" in page
    assert 'href="/accounts/password_change/"' in page


def test_choosing_arabic_saves_it_for_e_mails_and_turns_the_pages_right_to_left(partner_iom):
    response = partner_iom.post("/settings/", {"language": "ar"})
    assert response.status_code == 302 and response.url == "/settings/"
    partner_iom.person.refresh_from_db()
    assert partner_iom.person.language == "ar"
    page = partner_iom.get("/settings/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page


def test_an_unknown_language_is_refused_and_nothing_changes(partner_iom):
    response = partner_iom.post("/settings/", {"language": "xx"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    partner_iom.person.refresh_from_db()
    assert partner_iom.person.language == "en"


def test_a_post_without_csrf_token_changes_nothing(partner_iom):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_iom.user)
    assert client.post("/settings/", {"language": "ar"}).status_code == 403
    partner_iom.person.refresh_from_db()
    assert partner_iom.person.language == "en"


def test_anonymous_visitor_is_sent_to_sign_in(anonymous):
    response = anonymous.get("/settings/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
