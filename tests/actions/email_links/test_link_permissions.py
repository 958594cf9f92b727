"""The update link's URL in the matrix of roles, URLs and verbs: the token decides, not the
session. A valid token works with no session or the recipient's own; every other session,
and any bad token, changes nothing. The coordinators' switch is theirs alone."""

import pytest
from django.core.cache import cache

from actions.models import EmailLinkSettings, Status
from actions.update_links import update_token
from tests.actions.test_permissions import ROLES, snapshot

BAD_TOKENS = ["not-a-token", "W1swLDBd:1abc:forged"]


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()


def _data(item) -> dict:
    return {"status": Status.DONE, "note": "From the e-mail.", "version": item.version}


@pytest.mark.parametrize("role", ROLES)
def test_a_valid_link_works_only_without_a_session_or_with_the_recipients_own(
    request, world, role, partner_iom
):
    """The link was sent to IOM's partner, whose organisation leads the item."""
    client = request.getfixturevalue(role)
    item = world["item"]
    url = f"/u/{update_token(partner_iom.person, item)}/"
    works = role in {"anonymous", "partner_iom"}
    assert client.get(url).status_code == (200 if works else 403)
    before = snapshot()
    response = client.post(url, _data(item))
    if works:
        assert response.status_code == 302
        after = snapshot()
        assert len(after[3]) == len(before[3]) + 1
    else:
        assert response.status_code == 403
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("token", BAD_TOKENS)
def test_a_bad_link_changes_nothing_for_anyone(request, world, role, token):
    client = request.getfixturevalue(role)
    before = snapshot()
    assert client.get(f"/u/{token}/").status_code == 404
    assert client.post(f"/u/{token}/", _data(world["item"])).status_code == 404
    assert snapshot() == before


def test_a_link_made_for_someone_who_may_not_update_changes_nothing(world, partner_acted):
    from django.test import Client

    url = f"/u/{update_token(partner_acted.person, world['item'])}/"
    before = snapshot()
    assert Client().post(url, _data(world["item"])).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_switch_the_links(request, world, role):
    client = request.getfixturevalue(role)
    response = client.post("/digests/email-links/", {})  # "off"
    if role == "coordinator":
        assert response.status_code == 302
        assert EmailLinkSettings.objects.get().enabled is False
        return
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    assert not EmailLinkSettings.objects.exists()
