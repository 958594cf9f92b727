"""Who may do what, on the server: the rules one by one, then every role, URL and verb.

Every forbidden POST is tried for real, and the database is compared before and after:
no field of any item, no lead or focal point, and no journal row may have changed.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from actions import permissions
from actions.models import ActionPoint, ActionUpdate, Status
from actions.permissions import Role
from tests.factories import ActionPointFactory, UserFactory

# --- Fixtures --------------------------------------------------------------------------


@pytest.fixture
def no_role(db) -> Client:
    """Signed in, but no person and no group: may read nothing."""
    user = UserFactory(username="stranger")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def iom_item(plan, organizations):
    return ActionPointFactory(
        area=plan.areas.get(code="A"), code="A-1", leads=[organizations["IOM"]]
    )


@pytest.fixture
def acted_focal_item(plan, organizations, partner_acted):
    """Led by UNHCR; ACTED's partner is its focal point."""
    return ActionPointFactory(
        area=plan.areas.get(code="B"),
        code="B-1",
        leads=[organizations["UNHCR"]],
        focal=[partner_acted.person],
    )


def fresh(user):
    """The user as a new request would load it (the role is cached per user object)."""
    return type(user).objects.get(pk=user.pk)


# --- The rules -------------------------------------------------------------------------


def test_roles_come_from_groups_and_the_person_link(
    coordinator, partner_iom, viewer, no_role, anonymous
):
    assert permissions.role_of(fresh(coordinator.user)) == Role.COORDINATOR
    assert permissions.role_of(fresh(partner_iom.user)) == Role.PARTNER
    assert permissions.role_of(fresh(viewer.user)) == Role.VIEWER
    assert permissions.role_of(fresh(no_role.user)) == Role.NONE
    from django.contrib.auth.models import AnonymousUser

    assert permissions.role_of(AnonymousUser()) == Role.NONE


def test_a_superuser_is_a_coordinator(db):
    user = UserFactory(username="root")
    user.is_superuser = True
    user.save()
    assert permissions.role_of(fresh(user)) == Role.COORDINATOR


def test_a_viewer_group_without_a_person_still_reads(db):
    user = UserFactory(username="donor", groups=["Viewers"])
    assert permissions.can_read(fresh(user))
    assert not permissions.has_own_items(fresh(user))


def test_coordinators_group_wins_over_viewers(db, organizations):
    user = UserFactory(username="both", groups=["Viewers", "Coordinators"])
    assert permissions.role_of(fresh(user)) == Role.COORDINATOR


def test_a_person_who_left_is_no_longer_a_partner(partner_iom):
    person = partner_iom.person
    person.left_on = datetime.date(2018, 6, 30)
    person.save()
    assert permissions.role_of(fresh(partner_iom.user)) == Role.NONE


def test_partner_may_update_items_their_organisation_leads(partner_iom, iom_item):
    assert permissions.can_update(fresh(partner_iom.user), iom_item)


def test_partner_may_update_items_where_they_are_focal_point(partner_acted, acted_focal_item):
    assert permissions.can_update(fresh(partner_acted.user), acted_focal_item)


def test_partner_cannot_update_another_organisations_item(partner_acted, iom_item):
    assert not permissions.can_update(fresh(partner_acted.user), iom_item)


def test_viewer_and_no_role_cannot_update_anything(viewer, no_role, iom_item):
    assert not permissions.can_update(fresh(viewer.user), iom_item)
    assert not permissions.can_update(fresh(no_role.user), iom_item)


def test_only_coordinators_edit_and_see_contact_details(coordinator, partner_iom, viewer):
    assert permissions.can_edit(fresh(coordinator.user))
    assert permissions.can_see_contact_details(fresh(coordinator.user))
    for client in (partner_iom, viewer):
        assert not permissions.can_edit(fresh(client.user))
        assert not permissions.can_see_contact_details(fresh(client.user))


def test_the_role_is_read_once_per_request(partner_iom, django_assert_num_queries):
    user = fresh(partner_iom.user)
    # The user's role groups, person and organisation, in one query.
    with django_assert_num_queries(1):
        permissions.role_of(user)
        permissions.role_of(user)
        permissions.person_of(user)


@pytest.mark.parametrize(
    ("client_fixture", "role"), [("coordinator", Role.COORDINATOR), ("viewer", Role.VIEWER)]
)
def test_the_person_asked_first_brings_the_role_with_it(
    request, client_fixture, role, django_assert_num_queries
):
    client = request.getfixturevalue(client_fixture)
    user = fresh(client.user)
    with django_assert_num_queries(1):
        assert permissions.person_of(user) == client.person
        assert permissions.person_of(user).organization.acronym
        assert permissions.role_of(user) == role


def test_an_account_without_a_person_costs_one_query_too(db, django_assert_num_queries):
    donor = fresh(UserFactory(username="donor", groups=["Viewers"]))
    with django_assert_num_queries(1):
        assert permissions.role_of(donor) == Role.VIEWER
        assert permissions.person_of(donor) is None
        assert not permissions.has_own_items(donor)


def test_a_person_marked_inactive_is_no_longer_a_partner(partner_iom):
    person = partner_iom.person
    person.is_active = False
    person.save()
    user = fresh(partner_iom.user)
    assert permissions.role_of(user) == Role.NONE
    assert permissions.person_of(user) == person  # still named in the journal


def test_a_superuser_with_a_person_is_a_coordinator_with_own_items(partner_iom):
    user = partner_iom.user
    user.is_superuser = True
    user.save()
    assert permissions.role_of(fresh(user)) == Role.COORDINATOR
    assert permissions.has_own_items(fresh(user))


def test_groups_other_than_the_roles_give_no_role(db):
    user = UserFactory(username="editor", groups=["Editors"])
    assert permissions.role_of(fresh(user)) == Role.NONE


# --- Every role, URL and verb ------------------------------------------------------------

ROLES = ["coordinator", "partner_iom", "partner_acted", "viewer", "no_role", "anonymous"]
READERS = {"coordinator", "partner_iom", "partner_acted", "viewer"}


def snapshot() -> tuple:
    """Everything a write could touch: every item's fields, leads, focal points, journal."""
    items = list(ActionPoint.objects.order_by("pk").values())
    leads = list(ActionPoint.lead_organizations.through.objects.order_by("pk").values())
    focal = list(ActionPoint.focal_points.through.objects.order_by("pk").values())
    journal = list(ActionUpdate.objects.order_by("pk").values_list("pk", flat=True))
    return items, leads, focal, journal


@pytest.fixture
def world(plan, organizations, partner_iom, partner_acted, coordinator, viewer, no_role):
    """An IOM-led item with a sub-item; every role's client exists before the request."""
    parent = ActionPointFactory(
        area=plan.areas.get(code="C"), code="C-8", leads=[organizations["IOM"]]
    )
    ActionPointFactory(area=parent.area, code="C-8.1", parent=parent)
    return {"item": parent, "plan": plan}


def _url(template: str, world: dict) -> str:
    return template.format(item=world["item"].pk, plan=world["plan"].pk)


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
]
COORDINATOR_PAGES = [
    "/actions/new/",
    "/actions/{item}/edit/",
    # Update from an e-mail link: the coordinators' switch (its POST: email_links tests)
    "/digests/email-links/",
]
# Each write-only URL, and the page a GET of it is sent to (a bookmark, a reload, the
# redirect after signing in), rather than a 405.
POST_ONLY = {
    "/actions/{item}/update/": "/actions/{item}/",
    "/actions/bulk/": "/actions/",
    # Calendar feed: its address made and stopped (the feed itself: calendar_feed tests)
    "/calendar/new/": "/settings/#settings-calendar",
    "/calendar/revoke/": "/settings/#settings-calendar",
    # Saved views: save the list's filters, delete one's own
    "/actions/views/save/": "/actions/",
    "/actions/views/1/delete/": "/actions/",
}


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
    assert viewer.get("/actions/new/").status_code == 200
