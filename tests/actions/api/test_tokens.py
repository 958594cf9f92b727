"""API tokens: a coordinator issues them for their own account and revokes any; the key is
shown once and only its SHA-256 is kept; a token expires after API_TOKEN_DAYS."""

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import ApiToken
from participants.roles import COORDINATORS
from pimtracker.security.models import SecurityEvent
from tests.conftest import pass_two_step
from tests.factories import PersonFactory, UserFactory


def issue(client, name: str = "Power BI", **extra: str):
    return client.post("/api/tokens/", {"name": name, **extra})


def key_in(html: str) -> str:
    return re.search(r'id="new-token-value">(pim_[A-Za-z0-9_-]+)<', html)[1]


def test_a_coordinator_issues_a_token_that_is_shown_once_and_stored_hashed(coordinator):
    response = issue(coordinator)
    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0")
    key = key_in(response.content.decode())
    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.name) == (
        coordinator.user,
        coordinator.user,
        "Power BI",
    )
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values().get())
    assert key not in coordinator.get("/api/tokens/").content.decode()  # never again
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/actions/").status_code == 200


def test_revoking_a_token_closes_the_api_to_it_at_once(coordinator):
    key = key_in(issue(coordinator).content.decode())
    token = ApiToken.objects.get()
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/actions/").status_code == 200
    response = coordinator.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    # The very next request, on the same client: nothing remembered the token as good.
    assert api.get("/api/actions/").status_code == 401
    assert "Revoked" in coordinator.get("/api/tokens/").content.decode()


def test_a_coordinator_cannot_issue_a_token_acting_as_another_account(coordinator, partner_iom):
    response = issue(coordinator, username="iom_partner", user=str(partner_iom.user.pk))
    assert response.status_code == 201
    assert ApiToken.objects.get().user == coordinator.user
    assert "iom_partner" not in response.content.decode()


def test_a_token_expires_after_ninety_days_and_says_so(coordinator):
    issued = timezone.now()
    key = key_in(issue(coordinator).content.decode())
    token = ApiToken.objects.get()
    assert token.expires_at - issued < dt.timedelta(days=90, minutes=1)
    assert token.expires_at - issued > dt.timedelta(days=89, hours=23)
    page = coordinator.get("/api/tokens/").content.decode()
    assert "Expires" in page and timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in page
    api = Client(headers={"Authorization": f"Bearer {key}"})
    with time_machine.travel(issued + dt.timedelta(days=89), tick=False):
        assert api.get("/api/actions/").status_code == 200
    with time_machine.travel(issued + dt.timedelta(days=90, hours=1), tick=False):
        response = api.get("/api/actions/")
    assert response.status_code == 401
    expired_on = timezone.localtime(token.expires_at).strftime("%Y-%m-%d")
    assert response.json() == {
        "detail": f"This token expired on {expired_on}: ask a coordinator for a new one."
    }


def test_the_expiry_is_a_setting(coordinator, settings):
    settings.API_TOKEN_DAYS = 7
    issue(coordinator)
    token = ApiToken.objects.get()
    assert dt.timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(7)


def test_issuing_and_revoking_are_in_the_security_log_without_the_key(coordinator):
    key = key_in(issue(coordinator, name="HDX pipeline").content.decode())
    coordinator.post(f"/api/tokens/{ApiToken.objects.get().pk}/revoke/")
    events = list(SecurityEvent.objects.order_by("at", "pk").values("kind", "detail", "actor_name"))
    assert [e for e in events if e["kind"].startswith("token")] == [
        {"kind": "token_issued", "detail": "HDX pipeline", "actor_name": "Coordinator Demo"},
        {"kind": "token_revoked", "detail": "HDX pipeline", "actor_name": "Coordinator Demo"},
    ]
    assert key not in str(list(SecurityEvent.objects.values()))


@pytest.mark.parametrize("role", ["partner_iom", "viewer"])
def test_only_coordinators_issue_and_revoke_tokens(request, coordinator, role):
    issue(coordinator)
    token = ApiToken.objects.get()
    client = request.getfixturevalue(role)
    assert client.get("/api/tokens/").status_code == 403
    assert issue(client).status_code == 403
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 403
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None


def test_the_admin_lists_tokens_read_only_and_sends_issuing_to_the_page(client, organizations):
    user = UserFactory(username="admin_coord", groups=[COORDINATORS])
    user.is_staff = True
    user.save()
    PersonFactory(user=user, organization=organizations["UNHCR"])
    client.force_login(user)
    pass_two_step(client, user)
    key = key_in(issue(client).content.decode())
    token = ApiToken.objects.get()
    listing = client.get("/admin/actions/apitoken/")
    assert listing.status_code == 200
    assert "Expires" in listing.content.decode()
    page = client.get(reverse("admin:actions_apitoken_change", args=[token.pk]))
    assert page.status_code == 200
    assert token.key_hash in page.content.decode() and key not in page.content.decode()
    assert client.get("/admin/actions/apitoken/add/")["Location"] == "/api/tokens/"
    response = client.post(
        "/admin/actions/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
