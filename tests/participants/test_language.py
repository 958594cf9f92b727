"""The language switch: on every page, the sign-in page included; a signed-in person's
choice is kept on Person.language, which their e-mails follow."""

import pytest
from django.conf import settings
from django.test import Client

from participants.models import Person

pytestmark = pytest.mark.django_db

SWITCH = "/i18n/setlang/"


def test_sign_in_page_offers_arabic_in_arabic(anonymous):
    html = anonymous.get("/accounts/login/").content.decode()
    assert f'action="{SWITCH}"' in html
    assert 'name="csrfmiddlewaretoken"' in html.split('class="language-switch"')[1]
    assert 'value="ar" lang="ar"' in html
    assert ">العربيّة<" in html


def test_choosing_arabic_before_signing_in_shows_the_sign_in_page_in_arabic(anonymous):
    response = anonymous.post(SWITCH, {"language": "ar", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert anonymous.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    html = anonymous.get("/accounts/login/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول" in html
    # The switch now offers English back, named in English.
    assert 'value="en" lang="en"' in html


def test_a_signed_in_persons_choice_is_kept_for_their_e_mails(partner_iom):
    partner_iom.post(SWITCH, {"language": "ar", "next": "/my/"})
    assert Person.objects.get(pk=partner_iom.person.pk).language == "ar"
    html = partner_iom.get("/my/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    partner_iom.post(SWITCH, {"language": "en", "next": "/my/"})
    assert Person.objects.get(pk=partner_iom.person.pk).language == "en"


def test_an_unknown_language_changes_nothing(partner_iom):
    response = partner_iom.post(SWITCH, {"language": "xx", "next": "/my/"})
    assert response.status_code == 302
    assert Person.objects.get(pk=partner_iom.person.pk).language == "en"


def test_an_account_without_a_person_switches_with_the_cookie_alone(db):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="no-person"))
    response = client.post(SWITCH, {"language": "ar", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


def test_the_switch_takes_only_a_post_with_its_csrf_token(organizations):
    client = Client(enforce_csrf_checks=True)
    assert client.get(SWITCH).status_code == 405
    response = client.post(SWITCH, {"language": "ar", "next": "/"})
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_next_may_not_leave_the_site(anonymous):
    response = anonymous.post(SWITCH, {"language": "ar", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_in_arabic_the_journal_arrow_points_the_way_the_page_reads(coordinator, plan):
    from actions import services
    from actions.models import Status
    from tests.factories import ActionPointFactory

    item = ActionPointFactory(area=plan.areas.get(code="A"))
    services.change_action_point(action_point=item, by=coordinator.user, status=Status.DONE)
    english = coordinator.get(f"/actions/{item.pk}/").content.decode()
    assert "Not started → Done" in english
    coordinator.post(SWITCH, {"language": "ar", "next": "/"})
    arabic = coordinator.get(f"/actions/{item.pk}/").content.decode()
    assert "لم يبدأ ← منجَز" in arabic
    assert "→" not in arabic


def test_the_import_pages_help_text_follows_the_readers_language(coordinator):
    coordinator.post(SWITCH, {"language": "ar", "next": "/"})
    html = coordinator.get("/actions/import/").content.decode()
    assert "مصنّف Excel" in html
    assert "An Excel workbook" not in html


def test_a_language_chosen_on_the_sign_in_page_becomes_the_persons(organizations):
    from tests.conftest import _person_user
    from tests.factories import PASSWORD

    user = _person_user("reader", organizations["IOM"])
    client = Client()
    client.post(SWITCH, {"language": "ar", "next": "/accounts/login/"})
    client.post("/accounts/login/", {"username": "reader", "password": PASSWORD})
    assert Person.objects.get(user=user).language == "ar"


def test_signing_in_without_a_choice_leaves_the_persons_language(organizations):
    from tests.conftest import _person_user
    from tests.factories import PASSWORD

    user = _person_user("reader", organizations["IOM"])
    Person.objects.filter(user=user).update(language="ar")
    Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/accounts/login/", {"username": "reader", "password": PASSWORD}
    )
    assert Person.objects.get(user=user).language == "ar"
