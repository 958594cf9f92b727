"""API tokens: coordinators issue them for any account and revoke them; the key is shown
once and only its SHA-256 is kept."""

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import ApiToken
from participants.roles import COORDINATORS
from tests.factories import PersonFactory, UserFactory


def issue(client, username: str, name: str = "Power BI"):
    return client.post("/api/tokens/", {"username": username, "name": name})


def key_in(html: str) -> str:
    return re.search(r'id="new-token-value">(pim_[A-Za-z0-9_-]+)<', html)[1]


def test_a_coordinator_issues_a_token_that_is_shown_once_and_stored_hashed(
    coordinator, partner_iom
):
    response = issue(coordinator, "iom_partner")
    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0")
    key = key_in(response.content.decode())
    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.name) == (
        partner_iom.user,
        coordinator.user,
        "Power BI",
    )
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values().get())
    assert key not in coordinator.get("/api/tokens/").content.decode()  # never again
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/actions/").status_code == 200


def test_revoking_a_token_closes_the_api_to_it(coordinator, partner_iom):
    key = key_in(issue(coordinator, "iom_partner").content.decode())
    token = ApiToken.objects.get()
    response = coordinator.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        Client(headers={"Authorization": f"Bearer {key}"}).get("/api/actions/").status_code == 401
    )
    assert "Revoked" in coordinator.get("/api/tokens/").content.decode()


@pytest.mark.parametrize(
    ("username", "message"),
    [("nobody", "There is no active account “nobody”."),
     ("stranger", "has no role, so its token could read nothing")],
)  # fmt: skip
def test_a_token_needs_an_active_account_with_a_role(coordinator, username, message):
    UserFactory(username="stranger")
    response = issue(coordinator, username)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", ["partner_iom", "viewer"])
def test_only_coordinators_issue_and_revoke_tokens(request, coordinator, role):
    issue(coordinator, "coordinator")
    token = ApiToken.objects.get()
    client = request.getfixturevalue(role)
    assert client.get("/api/tokens/").status_code == 403
    assert issue(client, client.user.username).status_code == 403
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 403
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None


def test_the_admin_lists_tokens_read_only_and_sends_issuing_to_the_page(client, organizations):
    user = UserFactory(username="admin_coord", groups=[COORDINATORS])
    user.is_staff = True
    user.save()
    PersonFactory(user=user, organization=organizations["UNHCR"])
    client.force_login(user)
    key = key_in(issue(client, "admin_coord").content.decode())
    token = ApiToken.objects.get()
    assert client.get("/admin/actions/apitoken/").status_code == 200
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
