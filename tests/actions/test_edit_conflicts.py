"""Two coordinators edit one item at once: changes to different fields both stay; the same
field changed by both is shown with theirs and yours, and nothing is saved until one is
chosen. A colleague's change is never undone unseen."""

import pytest

from actions import selectors
from actions.forms import ActionPointForm
from actions.models import ActionPoint, Status
from participants.models import Membership
from tests.conftest import _client_for, _person_user, pass_two_step
from tests.factories import ActionPointFactory, MembershipFactory


@pytest.fixture
def item(plan, organizations):
    return ActionPointFactory(
        area=plan.areas.get(code="C"),
        code="C-4",
        title="Issue joint updates",
        leads=[organizations["UNHCR"]],
    )


@pytest.fixture
def colleague(organizations):
    """A second coordinator, as the ``coordinator`` fixture is made."""
    user = _person_user("amina", organizations["IOM"], groups=["Coordinators"])
    MembershipFactory(person=user.person, role=Membership.Role.MEMBER)
    client = _client_for(user)
    pass_two_step(client, user)
    return client


def edit_form(client, item: ActionPoint) -> dict:
    """What the edit page sends back unchanged: every field as shown, the version and the
    values read."""
    loaded = selectors.get_action_point_for_edit(client.user, item.pk)
    form = ActionPointForm(instance=loaded)
    data = {name: form[name].value() for name in form.fields}
    data["due_date"] = data["due_date"] or ""
    data["forum"] = data["forum"] or ""
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_changes_to_different_fields_both_stay(coordinator, colleague, item):
    mine, theirs = edit_form(coordinator, item), edit_form(colleague, item)
    theirs["status"] = Status.BLOCKED
    assert colleague.post(f"/actions/{item.pk}/edit/", theirs).status_code == 302
    mine["title"] = "Issue monthly joint updates"
    response = coordinator.post(f"/actions/{item.pk}/edit/", mine)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.status, item.version) == (
        "Issue monthly joint updates",
        Status.BLOCKED,
        3,
    )
    latest = item.updates.first()
    assert set(latest.changes) == {"title"}  # only what this editor changed


def test_the_same_field_changed_by_both_asks_which_to_keep(coordinator, colleague, item):
    mine, theirs = edit_form(coordinator, item), edit_form(colleague, item)
    theirs["status"] = Status.BLOCKED
    colleague.post(f"/actions/{item.pk}/edit/", theirs)
    mine["status"] = Status.DONE
    mine["title"] = "Issue monthly joint updates"
    response = coordinator.post(f"/actions/{item.pk}/edit/", mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'name="pick_status" value="theirs"' in page
    assert 'Keep theirs: <bdi dir="auto">Blocked</bdi>' in page
    assert 'Use yours: <bdi dir="auto">Done</bdi>' in page
    item.refresh_from_db()
    assert (item.title, item.status, item.version) == ("Issue joint updates", Status.BLOCKED, 2)

    # The page's form sends everything back with the choice and the version now seen.
    choice = {**mine, "version": 2, "pick_status": "theirs"}
    assert coordinator.post(f"/actions/{item.pk}/edit/", choice).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.status, item.version) == (
        "Issue monthly joint updates",
        Status.BLOCKED,
        3,
    )


def test_choosing_yours_applies_it(coordinator, colleague, item):
    mine, theirs = edit_form(coordinator, item), edit_form(colleague, item)
    theirs["status"] = Status.BLOCKED
    colleague.post(f"/actions/{item.pk}/edit/", theirs)
    mine["status"] = Status.DONE
    coordinator.post(f"/actions/{item.pk}/edit/", mine)
    choice = {**mine, "version": 2, "pick_status": "mine"}
    assert coordinator.post(f"/actions/{item.pk}/edit/", choice).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.version) == (Status.DONE, 3)


def test_a_choice_made_on_an_older_version_asks_again(coordinator, colleague, item):
    mine, theirs = edit_form(coordinator, item), edit_form(colleague, item)
    theirs["status"] = Status.BLOCKED
    colleague.post(f"/actions/{item.pk}/edit/", theirs)
    mine["title"] = "Mine"
    mine["status"] = Status.DONE
    coordinator.post(f"/actions/{item.pk}/edit/", mine)
    again = edit_form(colleague, item)
    again["title"] = "Theirs, later"
    colleague.post(f"/actions/{item.pk}/edit/", again)
    response = coordinator.post(
        f"/actions/{item.pk}/edit/", {**mine, "version": 2, "pick_status": "mine"}
    )
    assert response.status_code == 409
    assert 'name="pick_title"' in response.content.decode()
    item.refresh_from_db()
    assert (item.title, item.status) == ("Theirs, later", Status.BLOCKED)
