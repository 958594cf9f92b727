"""Two-step sign-in: required for coordinators and the admin, optional for others; set up
and reset on Settings; a coordinator resets another person's, and the log says so."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pimtracker.security.models import SecurityEvent
from tests.conftest import current_code, enter_code
from tests.factories import PASSWORD

LOGIN = reverse("login")


def sign_in_with_password(client: Client, username: str):
    return client.post(LOGIN, {"username": username, "password": PASSWORD}, follow=True)


def secret_on(page: str) -> bytes:
    import base64

    text = re.search(r'id="mfa-secret"[^>]*>([A-Z2-7 ]+)<', page)[1].replace(" ", "")
    return base64.b32decode(text)


@pytest.mark.parametrize("path", ["/", "/actions/", "/people/", "/admin/", "/api/tokens/"])
def test_an_unverified_coordinator_session_is_sent_to_the_second_step(coordinator, db, path):
    client = Client()
    client.force_login(coordinator.user)  # a password alone, as after the sign-in form
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/security/mfa/?next=")


def test_a_coordinator_without_an_authenticator_sets_one_up_first(coordinator):
    TOTPDevice.objects.filter(user=coordinator.user).delete()
    client = Client()
    page = sign_in_with_password(client, "coordinator")
    assert page.redirect_chain[-1][0].startswith("/security/mfa/setup/")
    html = page.content.decode()
    assert "<svg" in html and "Set up two-step sign-in" in html
    code = f"{TOTP(secret_on(html)).token():06d}"
    done = client.post(page.redirect_chain[-1][0], {"code": code})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert SecurityEvent.objects.filter(kind="mfa_enrolled").count() == 1
    for code in codes:
        assert code not in str(list(SecurityEvent.objects.values()))


def test_a_wrong_code_is_refused_and_logged(coordinator):
    client = Client()
    sign_in_with_password(client, "coordinator")
    response = client.post("/security/mfa/", {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/")["Location"].startswith("/security/mfa/")
    assert SecurityEvent.objects.filter(kind="mfa_failed").count() == 1


def test_the_right_code_opens_the_page_asked_for(coordinator):
    client = Client()
    sign_in_with_password(client, "coordinator")
    response = client.post(
        "/security/mfa/?next=/people/",
        {"code": current_code(TOTPDevice.objects.get(user=coordinator.user))},
    )
    assert response["Location"] == "/people/"
    assert client.get("/people/").status_code == 200


def test_a_recovery_code_works_once(coordinator):
    from pimtracker.security.mfa import new_recovery_codes

    code = new_recovery_codes(coordinator.user)[0]
    first = Client()
    sign_in_with_password(first, "coordinator")
    assert first.post("/security/mfa/", {"code": code}).status_code == 302
    assert not StaticToken.objects.filter(token=code).exists()
    second = Client()
    sign_in_with_password(second, "coordinator")
    assert second.post("/security/mfa/", {"code": code}).status_code == 200
    assert SecurityEvent.objects.filter(kind="recovery_code_used").count() == 1


def test_an_external_next_is_not_followed(coordinator):
    client = Client()
    sign_in_with_password(client, "coordinator")
    device = TOTPDevice.objects.get(user=coordinator.user)
    response = client.post(
        "/security/mfa/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("landing")


def test_partners_need_no_second_step_but_may_turn_it_on(partner_iom):
    assert partner_iom.get("/my/").status_code == 200
    settings_page = partner_iom.get("/settings/").content.decode()
    assert "Set up two-step sign-in" in settings_page
    html = partner_iom.get("/security/mfa/setup/").content.decode()
    partner_iom.post("/security/mfa/setup/", {"code": f"{TOTP(secret_on(html)).token():06d}"})
    assert TOTPDevice.objects.filter(user=partner_iom.user, confirmed=True).exists()
    assert "Turn it off" in partner_iom.get("/settings/").content.decode()
    # Turned on, it is asked for at their next sign-in, like a coordinator's.
    client = Client()
    assert (
        sign_in_with_password(client, "iom_partner")
        .redirect_chain[-1][0]
        .startswith("/security/mfa/?next=")
    )
    enter_code(client, partner_iom.user)
    assert client.get("/my/").status_code == 200
    partner_iom.post("/security/mfa/reset/")
    assert not TOTPDevice.objects.filter(user=partner_iom.user).exists()


def test_a_coordinator_resets_another_persons_two_step_sign_in(coordinator, organizations):
    from tests.conftest import _person_user, pass_two_step

    colleague_user = _person_user("amina", organizations["IOM"], groups=["Coordinators"])
    colleague = Client()
    colleague.force_login(colleague_user)
    pass_two_step(colleague, colleague_user)
    assert colleague.get("/").status_code == 200
    person = colleague_user.person
    response = coordinator.post(f"/people/{person.pk}/mfa-reset/", follow=True)
    assert "Two-step sign-in of Amina Demo is reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=colleague_user).exists()
    assert colleague.get("/")["Location"].startswith("/accounts/login/")  # signed out
    event = SecurityEvent.objects.get(kind="mfa_reset")
    assert (event.actor_name, event.subject_name) == ("Coordinator Demo", "Amina Demo")
    # And at their next sign-in they set it up again before any page.
    again = sign_in_with_password(Client(), "amina")
    assert again.redirect_chain[-1][0].startswith("/security/mfa/setup/")


def test_only_coordinators_reset_someone_elses(partner_iom, viewer, coordinator):
    pk = coordinator.person.pk
    for client in (partner_iom, viewer):
        assert client.post(f"/people/{pk}/mfa-reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=coordinator.user).exists()


def test_the_admin_asks_for_the_second_step_too(admin_user):
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/")["Location"].startswith("/security/mfa/setup/")
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    assert client.get("/admin/")["Location"].startswith("/security/mfa/?next=")
    enter_code(client, admin_user)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("target", ["/people/?a=1&b=2", "\x00/x", "//evil.example/", "a" * 3000])
def test_any_next_value_is_kept_safely_or_dropped(coordinator, target):
    client = Client()
    sign_in_with_password(client, "coordinator")
    page = client.get("/security/mfa/", {"next": target})
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=coordinator.user)
    response = client.post("/security/mfa/", {"code": current_code(device), "next": target})
    assert response.status_code == 302
    assert response["Location"] in (target, reverse("landing"))
    assert not response["Location"].startswith("//")
