"""Signing in, throttling wrong passwords, and setting a new password by e-mail."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

LOGIN = reverse("login")
WRONG = "not the password"
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def user(db):
    return UserFactory(username="amina", email="amina@example.org")


def sign_in(client: Client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def without_csrf_token(content: bytes) -> bytes:
    return CSRF_TOKEN.sub(b"", content)


# --- Login required ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/actions/", "/my/", "/plans/1/", "/actions/1/", "/accounts/password_change/"]
)
def test_anonymous_visitor_is_sent_to_sign_in_from_every_page(anonymous, db, path):
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={path}"


@pytest.mark.parametrize(
    "name", ["login", "password_reset", "password_reset_done", "password_reset_complete"]
)
def test_sign_in_and_password_reset_pages_are_open_to_anonymous_visitors(anonymous, db, name):
    response = anonymous.get(reverse(name))
    assert response.status_code == 200
    assert b"<h1>" in response.content


def test_login_page_labels_its_fields_and_keeps_next(anonymous, db):
    response = anonymous.get(LOGIN, {"next": "/my/"})
    html = response.content.decode()
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert 'name="next" value="/my/"' in html
    assert "Please sign in to see this page." in html


def test_right_password_signs_in(anonymous, user):
    response = sign_in(anonymous, "amina", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(anonymous)


def test_wrong_password_shows_a_clear_error_and_keeps_the_username(anonymous, user):
    response = sign_in(anonymous, "amina", WRONG)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Please enter a correct username and password" in html
    assert 'value="amina"' in html
    assert not is_signed_in(anonymous)


def test_wrong_password_and_unknown_username_get_the_same_answer(user):
    known = sign_in(Client(), "amina", WRONG)
    unknown = sign_in(Client(), "nobody", WRONG)
    assert known.status_code == unknown.status_code == 200
    assert without_csrf_token(known.content).replace(b"amina", b"nobody") == without_csrf_token(
        unknown.content
    )


def test_sign_out_ends_the_session(anonymous, user):
    sign_in(anonymous, "amina", PASSWORD)
    response = anonymous.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not is_signed_in(anonymous)


# --- Throttling (django-axes) ------------------------------------------------------------


def test_four_wrong_passwords_do_not_lock_the_account(anonymous, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(anonymous, "amina", WRONG).status_code == 200
    assert sign_in(anonymous, "amina", PASSWORD).status_code == 302
    assert is_signed_in(anonymous)


def test_five_wrong_passwords_lock_the_account_for_that_address(anonymous, user):
    assert settings.AXES_FAILURE_LIMIT == 5
    responses = [sign_in(anonymous, "amina", WRONG) for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]

    refused = sign_in(anonymous, "amina", PASSWORD)
    assert refused.status_code == 429
    assert not is_signed_in(anonymous)
    html = refused.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert "After 5 wrong passwords" in html
    assert reverse("password_reset") in html
    assert "amina" not in html


def test_lockout_holds_for_that_username_and_address_only(anonymous, user):
    UserFactory(username="bashir")
    for _ in range(5):
        sign_in(anonymous, "amina", WRONG)

    assert sign_in(Client(), "bashir", PASSWORD).status_code == 302
    elsewhere = Client()
    assert sign_in(elsewhere, "amina", PASSWORD, address="10.20.30.40").status_code == 302
    assert is_signed_in(elsewhere)


def test_lockout_does_not_tell_whether_the_user_exists(user):
    known, unknown = Client(), Client()
    for _ in range(5):
        locked_known = sign_in(known, "amina", WRONG)
        locked_unknown = sign_in(unknown, "nobody", WRONG)
    assert locked_known.status_code == locked_unknown.status_code == 429
    # The language switch's CSRF token is masked afresh on every page: random, not telling.
    assert without_csrf_token(locked_known.content) == without_csrf_token(locked_unknown.content)


def test_signing_in_resets_the_count_of_wrong_passwords(anonymous, user):
    for _ in range(4):
        sign_in(anonymous, "amina", WRONG)
    sign_in(anonymous, "amina", PASSWORD)
    anonymous.post(reverse("logout"))
    for _ in range(4):
        assert sign_in(anonymous, "amina", WRONG).status_code == 200
    assert sign_in(anonymous, "amina", PASSWORD).status_code == 302


# --- Password reset by e-mail ------------------------------------------------------------


def test_password_reset_mails_an_absolute_link_that_sets_a_new_password(
    anonymous, user, mailoutbox, django_capture_on_commit_callbacks, tasks_in_process
):
    # The e-mail goes after the request's transaction, so the answer takes the same time
    # for a known address and an unknown one.
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(reverse("password_reset"), {"email": "amina@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["amina@example.org"]
    assert mail.subject == "PIM Tracker: choose a new password"
    assert "amina" in mail.body
    links = re.findall(r"https?://\S+", mail.body)
    assert len(links) == 1
    link = links[0]
    assert link.startswith("http://testserver/accounts/reset/")

    form_page = anonymous.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    assert '<label for="id_new_password1">' in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]

    new_password = "a fresh passphrase for Tripoli"
    done = anonymous.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")

    assert sign_in(Client(), "amina", PASSWORD).status_code == 200
    assert sign_in(Client(), "amina", new_password).status_code == 302

    # The link works once.
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]
    assert "This link does not work" in again.content.decode()


def test_password_reset_refuses_mismatched_passwords_with_a_clear_error(
    anonymous, user, mailoutbox, django_capture_on_commit_callbacks, tasks_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        anonymous.post(reverse("password_reset"), {"email": "amina@example.org"})
    link = re.search(r"https?://\S+", mailoutbox[0].body).group()
    set_password_url = anonymous.get(link, follow=True).redirect_chain[-1][0]

    response = anonymous.post(
        set_password_url,
        {"new_password1": "a fresh passphrase", "new_password2": "another passphrase"},
    )
    assert response.status_code == 200
    assert "The two password fields didn" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    anonymous, user, mailoutbox, django_capture_on_commit_callbacks, tasks_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


# --- Password change ---------------------------------------------------------------------


def test_signed_in_user_changes_their_password(anonymous, user):
    sign_in(anonymous, "amina", PASSWORD)
    form_page = anonymous.get(reverse("password_change"))
    assert '<label for="id_old_password">' in form_page.content.decode()

    new_password = "a fresh passphrase for Benghazi"
    response = anonymous.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert anonymous.get(response["Location"]).status_code == 200
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_change_with_a_wrong_current_password_changes_nothing(anonymous, user):
    sign_in(anonymous, "amina", PASSWORD)
    response = anonymous.post(
        reverse("password_change"),
        {"old_password": WRONG, "new_password1": "x1y2z3w4v5u6", "new_password2": "x1y2z3w4v5u6"},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_missing_page_is_explained_in_the_readers_language(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    client.force_login(UserFactory(username="reader"))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "الصفحة غير موجودة" in html


def test_password_reset_e_mail_is_in_the_language_the_reader_chose(
    user, mailoutbox, django_capture_on_commit_callbacks, tasks_in_process
):
    client = Client()
    client.post("/i18n/setlang/", {"language": "ar", "next": "/accounts/login/"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "amina@example.org"})
    mail = mailoutbox[0]
    assert mail.subject == "متتبّع إدارة معلومات الحماية: اختر كلمة مرور جديدة"
    assert "لاختيار كلمة مرور جديدة، افتح هذا الرابط:" in mail.body
    assert "choose a new password" not in mail.body
