"""Names, not addresses: an account whose username is an e-mail address never shows it as
a journal author, on a page, in an export or through the API."""

import pytest
from django.test import Client

from actions.api.tokens import issue_token
from actions.models import ActionUpdate
from actions.services import change_action_point
from participants.roles import COORDINATORS
from pimtracker.security.names import display_name
from tests.conftest import pass_two_step
from tests.factories import PersonFactory, UserFactory

ADDRESS = "h.salem@unhcr.example.org"


@pytest.fixture
def personless_coordinator(db):
    """An account made in the admin: its username an address, no person, no name."""
    return UserFactory(username=ADDRESS, email=ADDRESS, groups=[COORDINATORS])


def everything_shown(item, viewer) -> str:
    """The item's page, its API record and the journal of the joint update, as one text."""
    page = viewer.get(item.get_absolute_url()).content.decode()
    api = viewer.get(f"/api/actions/{item.pk}/").content.decode()
    joint = viewer.get(f"/plans/{item.plan_id}/update/").content.decode()
    return page + api + joint


def test_a_personless_account_is_an_unnamed_account_everywhere(
    item, viewer, personless_coordinator
):
    change_action_point(action_point=item, by=personless_coordinator, note="Checked with AoRs")
    shown = everything_shown(item, viewer)
    assert "Checked with AoRs" in shown
    assert ADDRESS not in shown
    assert "unnamed account" in shown
    assert ActionUpdate.objects.filter(author_name=ADDRESS).count() == 0


def test_an_anonymised_person_is_former_staff_of_their_organisation(item, viewer, organizations):
    user = UserFactory(username="x.former@iom.example.org", groups=[COORDINATORS])
    person = PersonFactory(user=user, organization=organizations["IOM"])
    change_action_point(action_point=item, by=user, note="Handed over")
    person.first_name = person.last_name = ""
    person.save()
    shown = everything_shown(item, viewer)
    assert "former staff of IOM" in shown
    assert "x.former@" not in shown


def test_an_address_written_down_before_is_hidden_once_its_account_is_gone(item, viewer):
    # An entry journalled before this rule kept the address as the author's name, and its
    # account has been deleted since (the journal is immutable: the name stays).
    ActionUpdate.objects.create(
        action_point=item,
        author=None,
        author_name=ADDRESS,
        kind=ActionUpdate.Kind.NOTE,
        note="Old note",
        version=item.version,
    )
    shown = everything_shown(item, viewer)
    assert "Old note" in shown and ADDRESS not in shown
    assert "former account" in shown


def test_a_person_is_shown_by_name(item, viewer, partner_iom):
    change_action_point(action_point=item, by=partner_iom.user, note="On track")
    assert "Iom_partner Demo" in everything_shown(item, viewer)


def test_the_tokens_page_names_the_account_without_its_address(personless_coordinator):
    client = Client()
    client.force_login(personless_coordinator)
    pass_two_step(client, personless_coordinator)
    issue_token(user=personless_coordinator, name="Power BI")
    tokens_page = client.get("/api/tokens/").content.decode()
    # Not in the header either: its own username is not shown to whoever looks on.
    assert "Power BI" in tokens_page and ADDRESS not in tokens_page
    assert "unnamed account" in tokens_page


def test_display_name_rules(db, organizations):
    assert display_name(None) == ""
    named = UserFactory(username="admin@example.org", first_name="Huda", last_name="Salem")
    assert display_name(named) == "Huda Salem"
    gone = UserFactory(username="gone@example.org", is_active=False)
    assert display_name(gone) == "former account"
