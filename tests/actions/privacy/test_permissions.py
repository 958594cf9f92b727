"""The role, URL and verb matrix for the data-responsibility writes, which change a journal
row or a person rather than an item (so the shared matrix's "one more journal row" does
not describe them). A forbidden write leaves every item, journal row and person as it was."""

import pytest

from actions import services
from actions.models import ActionUpdate
from participants.models import Person
from tests.actions.test_permissions import ROLES, _expect_login, _url, no_role, snapshot, world
from tests.factories import PersonFactory

__all__ = ["no_role", "world"]  # fixtures


def full_snapshot() -> tuple:
    journal = list(ActionUpdate.objects.order_by("pk").values())
    return snapshot(), journal, list(Person.objects.order_by("pk").values())


# (path, data, roles allowed to write); {person}: someone known only from an event's report.
WRITES = [
    ("/actions/{item}/journal/{noted}/redact/", {"reason": "A phone number"}, {"coordinator"}),
    ("/people/{person}/confirm/", {}, {"coordinator"}),
    ("/people/{person}/anonymise/", {"confirm": "1"}, {"coordinator"}),
]
# Write-only URLs about a person, and where a GET of them goes.
POST_ONLY = {
    "/people/{person}/confirm/": "/people/{person}/",
    "/people/{person}/anonymise/": "/people/{person}/",
}


@pytest.fixture
def attendee(organizations):
    return PersonFactory(
        first_name="Amal", last_name="Attendee", organization=organizations["IOM"],
        is_confirmed=False,
    )  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "data", "allowed"), WRITES, ids=[w[0] for w in WRITES])
def test_data_responsibility_writes(request, world, attendee, role, path, data, allowed):
    client = request.getfixturevalue(role)
    noted = services.change_action_point(
        action_point=world["item"], by=None, note="Phone 0912345678", pii_confirmed=True
    )
    before = full_snapshot()
    response = client.post(_url(path, world, noted=noted.pk, person=attendee.pk), data)
    if role in allowed:
        assert response.status_code == 302
        assert full_snapshot() != before
        return
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == 403
    assert full_snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", POST_ONLY)
def test_get_on_a_person_write_leads_to_their_page_and_changes_nothing(
    request, world, attendee, role, path
):
    client = request.getfixturevalue(role)
    before = full_snapshot()
    response = client.get(_url(path, world, person=attendee.pk))
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == 302
        assert response["Location"] == _url(POST_ONLY[path], world, person=attendee.pk)
    assert full_snapshot() == before
