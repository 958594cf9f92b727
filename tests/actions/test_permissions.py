"""Who may do what, on the server: the rules one by one, then every role, URL and verb.

Every forbidden POST is tried for real, and the database is compared before and after:
no field of any item, no lead or focal point, and no journal row may have changed.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from actions.models import ActionPoint, ActionUpdate, Meeting, Resource, Status
from tests.conftest import pass_two_step
from tests.factories import ActionPointFactory, UserFactory

PROVENANCE_TABLES = (Meeting, Meeting.organizations.through, Meeting.items.through, Resource)

# --- Fixtures --------------------------------------------------------------------------


@pytest.fixture
def no_role(db) -> Client:
    """Signed in, but no person and no group: may read nothing."""
    user = UserFactory(username="stranger")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


# --- Every role, URL and verb ------------------------------------------------------------

ROLES = ["coordinator", "partner_iom", "partner_acted", "viewer", "no_role", "anonymous"]
READERS = {"coordinator", "partner_iom", "partner_acted", "viewer"}


def snapshot() -> tuple:
    """Everything a write could touch: every item's fields, leads, focal points, journal."""
    items = list(ActionPoint.objects.order_by("pk").values())
    leads = list(ActionPoint.lead_organizations.through.objects.order_by("pk").values())
    focal = list(ActionPoint.focal_points.through.objects.order_by("pk").values())
    journal = list(ActionUpdate.objects.order_by("pk").values_list("pk", flat=True))
    # Provenance: meetings (with who was there and what they discussed) and links.
    meetings = [list(m.objects.order_by("pk").values()) for m in PROVENANCE_TABLES]
    return items, leads, focal, journal, meetings


@pytest.fixture
def world(plan, organizations, partner_iom, partner_acted, coordinator, viewer, no_role):
    """An IOM-led item with a sub-item; every role's client exists before the request."""
    parent = ActionPointFactory(
        area=plan.areas.get(code="C"), code="C-8", leads=[organizations["IOM"]]
    )
    ActionPointFactory(area=parent.area, code="C-8.1", parent=parent)
    # Provenance: a meeting that discussed the item, with a link; a link on the plan.
    meeting = Meeting.objects.create(forum=plan.forum, date=datetime.date.today())
    meeting.items.add(parent)
    Resource.objects.create(meeting=meeting, url="https://example.org/minutes", label="Minutes")
    link = Resource.objects.create(plan=plan, url="https://pim.guide", label="pim.guide")
    return {
        "item": parent,
        "plan": plan,
        "meeting": meeting,
        "link": link,
        "person": partner_acted.person,
    }


def _url(template: str, world: dict, **more: int) -> str:
    entry = world["item"].updates.order_by("pk").first()
    keys = {
        "item": world["item"].pk,
        "plan": world["plan"].pk,
        "meeting": world["meeting"].pk,
        "link": world["link"].pk,
        "entry": entry.pk,
        "person": world["person"].pk,
    }
    return template.format(**{**keys, **more})


def _expect_login(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


READ_PAGES = [
    "/",
    "/actions/",
    "/actions/{item}/",
    "/my/",
    "/plans/{plan}/",
    "/organizations/",
    "/organizations/IOM/",
    # Meetings
    "/meetings/",
    "/meetings/{meeting}/",
    # Data responsibility
    "/data-we-hold/",
]
COORDINATOR_PAGES = [
    "/actions/new/",
    "/actions/{item}/edit/",
    # Meetings
    "/meetings/new/",
    "/meetings/{meeting}/edit/",
    # Security log
    "/security/log/",
    # Update from an e-mail link: the coordinators' switch (its POST: email_links tests)
    "/digests/email-links/",
]
# Each write-only URL, and the page a GET of it is sent to (a bookmark, a reload, the
# redirect after signing in), rather than a 405.
POST_ONLY = {
    "/actions/{item}/update/": "/actions/{item}/",
    "/actions/bulk/": "/actions/",
    # Meetings and resources
    "/meetings/{meeting}/decisions/": "/meetings/{meeting}/",
    "/resources/plan/{plan}/add/": "/plans/{plan}/",
    "/resources/action/{item}/add/": "/actions/{item}/",
    "/resources/meeting/{meeting}/add/": "/meetings/{meeting}/",
    "/resources/{link}/remove/": "/plans/{plan}/",
    # Data responsibility
    "/actions/{item}/journal/{entry}/redact/": "/actions/{item}/",
    # Two-step sign-in
    "/security/mfa/reset/": "/settings/",
    "/people/{person}/mfa-reset/": "/people/{person}/",
    # Comments
    "/actions/{item}/comment/": "/actions/{item}/",
    # Calendar feed: its address made and stopped (the feed itself: calendar_feed tests)
    "/calendar/new/": "/settings/#settings-calendar",
    "/calendar/revoke/": "/settings/#settings-calendar",
    # Saved views: save the list's filters, delete one's own
    "/actions/views/save/": "/actions/",
    "/actions/views/1/delete/": "/actions/",
}
# Pages for anyone signed in, with a role or not. Two-step sign-in:
SIGNED_IN_PAGES = ["/security/mfa/setup/", "/security/mfa/"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", READ_PAGES)
def test_get_read_pages(request, world, role, path):
    client = request.getfixturevalue(role)
    response = client.get(_url(path, world))
    if role == "anonymous":
        _expect_login(response)
    elif role == "no_role":
        assert response.status_code == 403
        assert "Your account has no role yet" in response.content.decode()
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", COORDINATOR_PAGES)
def test_get_coordinator_forms(request, world, role, path):
    client = request.getfixturevalue(role)
    response = client.get(_url(path, world))
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == (200 if role == "coordinator" else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_get_signed_in_pages(request, world, role, path):
    client = request.getfixturevalue(role)
    response = client.get(_url(path, world))
    if role == "anonymous":
        _expect_login(response)
    elif path == "/security/mfa/" and role != "coordinator":
        # No authenticator yet: the second step is to set one up.
        assert response["Location"].startswith("/security/mfa/setup/")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", POST_ONLY)
def test_get_on_post_only_endpoints_leads_to_their_page_and_changes_nothing(
    request, world, role, path
):
    client = request.getfixturevalue(role)
    response = client.get(_url(path, world))
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == 302
        assert response["Location"] == _url(POST_ONLY[path], world)
    item = ActionPoint.objects.get(pk=world["item"].pk)
    assert (item.version, item.updates.count()) == (1, 1)
    assert client.put(_url(path, world)).status_code == (302 if role == "anonymous" else 405)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", READ_PAGES)
def test_post_to_read_pages_changes_nothing(request, world, role, path):
    client = request.getfixturevalue(role)
    before = snapshot()
    response = client.post(_url(path, world), {"status": Status.DONE, "ids": [world["item"].pk]})
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == 405
    assert snapshot() == before


def _update_data(world) -> dict:
    return {"status": Status.DONE, "note": "Finished, they say.", "version": 1}


def _bulk_data(world) -> dict:
    return {"ids": [world["item"].pk], "status": Status.DROPPED, "note": "Dropped in bulk."}


def _edit_data(world) -> dict:
    item = world["item"]
    return {
        "area": item.area_id,
        "code": item.code,
        "title": "Renamed by whoever could",
        "description": "",
        "status": Status.BLOCKED,
        "position": 0,
        "version": 1,
    }


def _decision_data(world) -> dict:
    item = world["item"]
    return {"plan": item.plan_id, "code": item.code, "status": Status.IN_PROGRESS, "note": "."}


def _new_data(world) -> dict:
    return {
        "plan": world["plan"].pk,
        "area": world["plan"].areas.get(code="D").pk,
        "code": "D-99",
        "title": "Created by whoever could",
        "status": Status.NOT_STARTED,
        "position": 0,
    }


# (path, data, roles allowed to write); the IOM partner leads the item, ACTED does not.
WRITES = [
    ("/actions/{item}/update/", _update_data, {"coordinator", "partner_iom"}),
    ("/actions/bulk/", _bulk_data, {"coordinator"}),
    ("/actions/{item}/edit/", _edit_data, {"coordinator"}),
    ("/actions/new/", _new_data, {"coordinator"}),
    # Meetings: a decision is a journal row of the item, linked to the meeting
    ("/meetings/{meeting}/decisions/", _decision_data, {"coordinator"}),
    # Comments: any partner or coordinator, on any item; not viewers.
    (
        "/actions/{item}/comment/",
        lambda world: {"text": "ACTED can help with this."},
        {"coordinator", "partner_iom", "partner_acted"},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "data", "allowed"), WRITES, ids=[w[0] for w in WRITES])
def test_post_writes(request, world, role, path, data, allowed):
    client = request.getfixturevalue(role)
    before = snapshot()
    response = client.post(_url(path, world), data(world))
    if role in allowed:
        # Allowed: the write happened, through the service, with its journal row.
        assert response.status_code == 302, response.content.decode()[:2000]
        after = snapshot()
        assert after != before
        assert len(after[3]) == len(before[3]) + 1
        return
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == 403
    assert snapshot() == before


def test_forbidden_update_of_a_missing_item_is_404_for_readers(partner_iom, world):
    response = partner_iom.post("/actions/999999/update/", {"status": Status.DONE, "version": 1})
    assert response.status_code == 404


def test_no_role_sees_a_kind_explanation_not_data(no_role, world):
    response = no_role.get("/actions/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Ask a coordinator" in html
    assert world["item"].code not in html
    assert 'href="/actions/"' not in html  # the navigation offers nothing to read


def test_group_membership_is_checked_on_every_request(viewer, world):
    assert viewer.get("/actions/new/").status_code == 403
    viewer.user.groups.add(Group.objects.get(name="Coordinators"))
    # A coordinator now: the second step of signing in comes first, then the page opens.
    response = viewer.get("/actions/new/")
    assert response["Location"].startswith("/security/mfa/setup/")
    pass_two_step(viewer, viewer.user)
    assert viewer.get("/actions/new/").status_code == 200
