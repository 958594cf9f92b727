"""Who may do what, on the server: the rules one by one (the role, URL and verb matrix is
in tests/actions/test_permissions.py)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from actions import permissions
from actions.permissions import Role
from tests.factories import ActionPointFactory, UserFactory

from . import test_permissions as matrix

no_role = matrix.no_role


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


def test_a_role_taken_away_ends_on_the_next_request_of_a_signed_in_session(coordinator, viewer):
    # The role query is built once per process; its rows must still be read on every request.
    assert coordinator.get("/people/").status_code == 200
    coordinator.user.groups.clear()
    assert coordinator.get("/people/").status_code == 403
    assert viewer.get("/actions/").status_code == 200
    viewer.user.groups.clear()
    viewer.user.person.is_active = False
    viewer.user.person.save(update_fields=["is_active"])
    assert viewer.get("/actions/").status_code == 403
