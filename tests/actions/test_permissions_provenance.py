"""Who may record meetings and keep links: the writes of the role, URL and verb matrix
(tests/actions/test_permissions.py) that write no journal row. A forbidden write leaves
the database as it was; an allowed one changes the meetings or links."""

import pytest

from actions.models import Meeting, Resource

from . import test_permissions as matrix
from .test_permissions import ROLES, _expect_login, _url, snapshot

# The matrix's fixtures, shared: the same world, the same roles.
world = matrix.world
no_role = matrix.no_role


def _meeting_data(world) -> dict:
    return {
        "forum": world["plan"].forum_id,
        "date": "2026-11-30",
        "record": "Recorded by whoever could.",
        "plan": world["plan"].pk,
        "codes": world["item"].code,
    }


def _link_data(world) -> dict:
    return {"url": "https://www.pim.guide/", "label": "PIM guide", "description": ""}


# (path, data, roles allowed to write)
OTHER_WRITES = [
    ("/meetings/new/", _meeting_data, {"coordinator"}),
    ("/meetings/{meeting}/edit/", _meeting_data, {"coordinator"}),
    ("/resources/plan/{plan}/add/", _link_data, {"coordinator"}),
    ("/resources/action/{item}/add/", _link_data, {"coordinator"}),
    ("/resources/meeting/{meeting}/add/", _link_data, {"coordinator"}),
    ("/resources/{link}/remove/", lambda world: {}, {"coordinator"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "data", "allowed"), OTHER_WRITES, ids=[w[0] for w in OTHER_WRITES]
)
def test_post_meeting_and_link_writes(request, world, role, path, data, allowed):
    client = request.getfixturevalue(role)
    before = snapshot()
    response = client.post(_url(path, world), data(world))
    if role in allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        after = snapshot()
        assert after[4] != before[4]  # the meetings or the links changed
        assert after[:4] == before[:4]  # and no action point, nor its journal
        return
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://x.org/"]
)
def test_only_web_links_are_kept(coordinator, world, url):
    before = Resource.objects.count()
    response = coordinator.post(
        _url("/resources/plan/{plan}/add/", world), {"url": url, "label": "Bad"}
    )
    assert response.status_code == 302
    assert Resource.objects.count() == before
    page = coordinator.get(response["Location"]).content.decode()
    assert "The link was not added" in page


def test_a_meeting_edit_keeps_the_items_its_decisions_changed(coordinator, world):
    meeting = world["meeting"]
    coordinator.post(
        f"/meetings/{meeting.pk}/decisions/",
        {"plan": world["plan"].pk, "code": world["item"].code, "note": "Discussed."},
    )
    data = _meeting_data(world) | {"codes": ""}
    assert coordinator.post(f"/meetings/{meeting.pk}/edit/", data).status_code == 302
    assert list(Meeting.objects.get(pk=meeting.pk).items.all()) == [world["item"]]
