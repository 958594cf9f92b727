"""The admin is usable by a coordinator and writes through the journaled service."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from actions.models import ActionPoint, ActionUpdate, Status
from participants.models import Organization
from participants.roles import COORDINATORS
from tests.conftest import pass_two_step
from tests.factories import ActionPointFactory, PersonFactory, UserFactory


@pytest.fixture
def admin_coordinator(client, organizations):
    user = UserFactory(username="admin_coord", groups=[COORDINATORS])
    user.is_staff = True
    user.save()
    PersonFactory(user=user, organization=organizations["UNHCR"])
    client.force_login(user)
    pass_two_step(client, user)
    client.user = user
    return client


@pytest.fixture
def item(plan, organizations):
    return ActionPointFactory(area=plan.areas.get(code="C"), code="C-4")


def test_coordinators_group_may_manage_but_not_edit_the_journal(db):
    codenames = set(
        Group.objects.get(name=COORDINATORS).permissions.values_list("codename", flat=True)
    )
    assert {"change_actionpoint", "add_person", "delete_membership"} <= codenames
    assert "view_actionupdate" in codenames
    assert not {"change_actionupdate", "delete_actionupdate", "add_actionupdate"} & codenames


@pytest.mark.parametrize(
    "model",
    [
        "participants/organization",
        "participants/forum",
        "participants/person",
        "participants/membership",
        "participants/event",
        "actions/actionplan",
        "actions/area",
        "actions/actionpoint",
        "actions/actionupdate",
        "actions/digestdelivery",
    ],
)
def test_every_admin_list_opens_for_a_coordinator(admin_coordinator, item, model):
    response = admin_coordinator.get(f"/admin/{model}/")
    assert response.status_code == 200


def test_action_point_change_page_opens(admin_coordinator, item):
    url = reverse("admin:actions_actionpoint_change", args=[item.pk])
    response = admin_coordinator.get(url)
    assert response.status_code == 200
    assert b"C-4" in response.content


def _form_data(item, **overrides):
    data = {
        "plan": item.plan_id,
        "area": item.area_id,
        "parent": "",
        "code": item.code,
        "position": item.position,
        "title": item.title,
        "description": item.description,
        "status": item.status,
        "due_date": "",
        "forum": "",
        "version_read": item.version,
        "sub_items-TOTAL_FORMS": 0,
        "sub_items-INITIAL_FORMS": 0,
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_saving_in_the_admin_goes_through_the_journal(admin_coordinator, item):
    url = reverse("admin:actions_actionpoint_change", args=[item.pk])
    response = admin_coordinator.post(url, _form_data(item, status=Status.IN_PROGRESS))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert item.version == 2
    entry = item.updates.first()
    assert entry.kind == ActionUpdate.Kind.STATUS_CHANGE
    assert entry.author == admin_coordinator.user


def test_admin_save_over_a_newer_version_is_refused(admin_coordinator, item):
    url = reverse("admin:actions_actionpoint_change", args=[item.pk])
    stale = _form_data(item, title="My edit")
    item_moved = _form_data(item, status=Status.BLOCKED)
    admin_coordinator.post(url, item_moved)
    response = admin_coordinator.post(url, stale, follow=True)
    assert "changed by someone else" in response.content.decode()
    item.refresh_from_db()
    assert item.title != "My edit"
    assert item.updates.count() == 2


def test_admin_save_without_the_version_it_read_is_refused(admin_coordinator, item):
    url = reverse("admin:actions_actionpoint_change", args=[item.pk])
    admin_coordinator.post(url, _form_data(item, status=Status.BLOCKED))
    blind = _form_data(item, title="My edit")
    del blind["version_read"]
    response = admin_coordinator.post(url, blind)
    assert response.status_code == 200
    assert "sent without the version" in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.version) == (Status.BLOCKED, 2)  # the colleague's change stands
    assert item.title != "My edit"
    assert item.updates.count() == 2


def test_admin_creates_items_with_a_journal_entry(admin_coordinator, plan):
    url = reverse("admin:actions_actionpoint_add")
    data = {
        "plan": plan.pk,
        "area": plan.areas.get(code="A").pk,
        "code": "A-9",
        "position": 9,
        "title": "New harmonisation step",
        "description": "",
        "status": Status.NOT_STARTED,
        "sub_items-TOTAL_FORMS": 0,
        "sub_items-INITIAL_FORMS": 0,
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
    }
    response = admin_coordinator.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = ActionPoint.objects.get(code="A-9")
    assert created.updates.get().kind == ActionUpdate.Kind.CREATED


def test_journal_cannot_be_changed_in_the_admin(admin_coordinator, item):
    entry = item.updates.get()
    url = reverse("admin:actions_actionupdate_change", args=[entry.pk])
    admin_coordinator.post(url, {"note": "rewritten"})
    delete = reverse("admin:actions_actionupdate_delete", args=[entry.pk])
    response = admin_coordinator.post(delete, {"post": "yes"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.note == ""


@pytest.fixture
def led_item(plan, organizations):
    return ActionPointFactory(
        area=plan.areas.get(code="B"), code="B-7", leads=[organizations["IOM"]]
    )


def test_the_admin_refuses_to_delete_an_organisation_that_leads_items(
    admin_coordinator, led_item, organizations
):
    iom = organizations["IOM"]
    url = reverse("admin:participants_organization_delete", args=[iom.pk])
    page = admin_coordinator.get(url).content.decode()
    assert "B-7" in page
    response = admin_coordinator.post(url, {"post": "yes"})
    assert response.status_code == 200  # the refusal page, not a redirect to the list
    assert Organization.objects.filter(pk=iom.pk).exists()
    assert list(led_item.lead_organizations.all()) == [iom]
    assert led_item.updates.count() == 1


def test_deleting_what_items_name_is_refused_whatever_the_path(led_item, organizations):
    # Each in a savepoint: the refused delete spoils its transaction, as it would a request's.
    with pytest.raises(ProtectedError, match="B-7"), transaction.atomic():
        organizations["IOM"].delete()
    with pytest.raises(ProtectedError, match="B-7"), transaction.atomic():
        Organization.objects.filter(acronym="IOM").delete()
    assert list(led_item.lead_organizations.values_list("acronym", flat=True)) == ["IOM"]
    organizations["ECHO"].delete()  # leads nothing: deleted
    assert not Organization.objects.filter(acronym="ECHO").exists()
