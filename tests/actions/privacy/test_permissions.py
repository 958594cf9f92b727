"""The role, URL and verb matrix for the data-responsibility writes, which change a journal
row or a person rather than an item (so the shared matrix's "one more journal row" does
not describe them). A forbidden write leaves every item, journal row and person as it was."""

import pytest

from actions import services
from actions.models import ActionUpdate
from participants.models import Person
from tests.actions.test_permissions import ROLES, _expect_login, _url, no_role, snapshot, world

__all__ = ["no_role", "world"]  # fixtures


def full_snapshot() -> tuple:
    journal = list(ActionUpdate.objects.order_by("pk").values())
    return snapshot(), journal, list(Person.objects.order_by("pk").values())


# (path, data, roles allowed to write)
WRITES = [
    ("/actions/{item}/journal/{noted}/redact/", {"reason": "A phone number"}, {"coordinator"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "data", "allowed"), WRITES, ids=[w[0] for w in WRITES])
def test_data_responsibility_writes(request, world, role, path, data, allowed):
    client = request.getfixturevalue(role)
    noted = services.change_action_point(
        action_point=world["item"], by=None, note="Phone 0912345678", pii_confirmed=True
    )
    before = full_snapshot()
    response = client.post(_url(path, world, noted=noted.pk), data)
    if role in allowed:
        assert response.status_code == 302
        assert full_snapshot() != before
        return
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == 403
    assert full_snapshot() == before
