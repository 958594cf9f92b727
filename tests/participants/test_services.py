"""People and access services: each change is made whole or not at all, and logged."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import RequestFactory

from actions.digests.recipients import recipient_kind
from actions.models import ActionUpdate
from participants import language, services
from participants.models import AccessChange, Membership, Person
from tests.factories import (
    PASSWORD,
    ActionPointFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def invite(coordinator, organizations, **overrides):
    fields = {
        "first_name": "Omar",
        "last_name": "Salem",
        "email": "omar.salem@example.org",
        "organization": organizations["IOM"],
        "role": "partner",
    }
    fields.update(overrides)
    return services.invite_person(by=coordinator.user, **fields)


def can_sign_in(username: str) -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=PASSWORD) is not None


def test_invitation_creates_account_without_password_and_mails_the_link(
    coordinator, organizations, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = invite(coordinator, organizations, role="viewer")
    person.refresh_from_db()
    assert person.user.email == "omar.salem@example.org"
    assert not person.user.has_usable_password()
    assert services.role_of_person(person) == "viewer"
    assert services.invitation_state(person) == "invited"
    [mail] = mailoutbox
    assert mail.to == ["omar.salem@example.org"]
    assert "/accounts/set-password/" in mail.body and "3 days" in mail.body
    change = AccessChange.objects.get()
    assert (change.kind, change.by, change.by_name, change.person) == (
        "invited",
        coordinator.user,
        "Coordinator Demo",
        person,
    )


def test_no_e_mail_leaves_before_the_invitation_is_committed(
    coordinator, organizations, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(coordinator, organizations)
    assert mailoutbox == []
    assert len(callbacks) == 1


@pytest.mark.parametrize("email", ["omar.salem@example.org", "OMAR.Salem@example.org"])
def test_a_known_e_mail_is_refused_and_nothing_is_created(coordinator, organizations, email):
    PersonFactory(email="omar.salem@example.org", organization=organizations["ACTED"])
    people, accounts = Person.objects.count(), User.objects.count()
    with pytest.raises(services.AccessError, match="already in PIM Tracker"):
        invite(coordinator, organizations, email=email)
    assert (Person.objects.count(), User.objects.count()) == (people, accounts)
    assert not AccessChange.objects.exists()


def test_an_unknown_role_is_refused(coordinator, organizations):
    with pytest.raises(services.AccessError):
        invite(coordinator, organizations, role="superuser")
    assert not Person.objects.filter(last_name="Salem").exists()


def test_resend_and_cancel_an_invitation(
    coordinator, organizations, mailoutbox, django_capture_on_commit_callbacks
):
    person = invite(coordinator, organizations)
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(by=coordinator.user, person=person)
    assert len(mailoutbox) == 1

    services.cancel_invitation(by=coordinator.user, person=person)
    person.refresh_from_db()
    assert person.user is None
    assert not User.objects.filter(username="omar.salem@example.org").exists()
    assert services.invitation_state(person) == "no_account"
    assert list(AccessChange.objects.values_list("kind", flat=True)) == [
        "invitation_cancelled",
        "invitation_resent",
        "invited",
    ]
    with pytest.raises(services.AccessError, match="no pending invitation"):
        services.resend_invitation(by=coordinator.user, person=person)


def test_an_accepted_invitation_cannot_be_cancelled(coordinator, partner_iom):
    with pytest.raises(services.AccessError, match="no pending invitation"):
        services.cancel_invitation(by=coordinator.user, person=partner_iom.person)
    assert User.objects.filter(pk=partner_iom.user.pk).exists()


def test_change_role_moves_the_account_between_groups(coordinator, partner_iom):
    person = partner_iom.person
    services.change_role(by=coordinator.user, person=person, role="viewer")
    person.refresh_from_db()
    assert services.role_of_person(person) == "viewer"
    services.change_role(by=coordinator.user, person=person, role="coordinator")
    assert list(person.user.groups.values_list("name", flat=True)) == ["Coordinators"]
    details = list(AccessChange.objects.order_by("pk").values_list("detail", flat=True))
    assert details == ["Partner → Viewer", "Viewer → Coordinator"]  # as the log page names roles


def test_a_coordinator_cannot_change_their_own_role(coordinator):
    with pytest.raises(services.AccessError, match="yourself"):
        services.change_role(by=coordinator.user, person=coordinator.person, role="viewer")
    assert services.role_of_person(coordinator.person) == "coordinator"


def test_deactivated_person_cannot_sign_in_and_reactivation_gives_access_back(
    coordinator, partner_iom
):
    person = partner_iom.person
    services.deactivate_person(by=coordinator.user, person=person)
    assert not can_sign_in("iom_partner")
    person.refresh_from_db()
    assert not person.is_active
    services.reactivate_person(by=coordinator.user, person=person)
    assert can_sign_in("iom_partner")
    kinds = list(AccessChange.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["deactivated", "reactivated"]


@pytest.fixture
def leaver_items(plan, organizations, partner_iom, partner_acted):
    """Three items with the IOM partner as focal point (one shared with the successor), one not."""
    leaver, successor = partner_iom.person, partner_acted.person
    area = plan.areas.get(code="A")
    items = [
        ActionPointFactory(area=area, code="A-1", focal=[leaver]),
        ActionPointFactory(area=area, code="A-2", focal=[leaver, successor]),
        ActionPointFactory(area=area, code="A-3", focal=[leaver], leads=[organizations["IOM"]]),
    ]
    other = ActionPointFactory(area=area, code="A-4", focal=[successor])
    # Something the leaver did, which the journal must keep under their name.
    from actions.services import change_action_point

    change_action_point(action_point=items[0], by=partner_iom.user, status="in_progress")
    return items, other


def test_hand_over_gives_every_item_to_the_successor_with_one_journal_row_each(
    coordinator, partner_iom, partner_acted, leaver_items
):
    leaver, successor = partner_iom.person, partner_acted.person
    items, other = leaver_items
    MembershipFactory(person=leaver, role=Membership.Role.CORE)
    left_on = datetime.date(2026, 1, 15)
    journal_before = ActionUpdate.objects.count()

    handed = services.hand_over(
        by=coordinator.user, person=leaver, left_on=left_on, successor=successor
    )

    assert handed == 3
    for item in items:
        assert list(item.focal_points.all()) == [successor]
        [row] = item.updates.filter(author=coordinator.user, kind="reassignment")
        assert "takes over as focal point" in row.note
    assert ActionUpdate.objects.count() == journal_before + 3
    assert list(other.focal_points.all()) == [successor]
    assert other.updates.count() == 1

    # What the leaver did still carries their name.
    assert items[0].updates.filter(author=partner_iom.user, status_after="in_progress").exists()
    leaver.refresh_from_db()
    assert leaver.left_on == left_on
    assert not leaver.memberships.filter(end_date__isnull=True).exists()
    assert not can_sign_in("iom_partner")
    assert recipient_kind(leaver) is None
    change = AccessChange.objects.get(kind="left")
    assert "3 item(s) handed over to Acted_partner Demo" in change.detail


def test_hand_over_is_refused_for_someone_who_already_left(coordinator, partner_iom, partner_acted):
    person = partner_iom.person
    services.hand_over(by=coordinator.user, person=person, left_on=datetime.date(2026, 1, 1))
    with pytest.raises(services.AccessError, match="already left"):
        services.hand_over(
            by=coordinator.user,
            person=person,
            left_on=datetime.date(2026, 2, 1),
            successor=partner_acted.person,
        )
    assert AccessChange.objects.filter(kind="left").count() == 1


def test_hand_over_to_someone_inactive_changes_nothing(coordinator, partner_iom, leaver_items):
    gone = PersonFactory(is_active=False)
    journal_before = ActionUpdate.objects.count()
    with pytest.raises(services.AccessError, match="not active"):
        services.hand_over(
            by=coordinator.user,
            person=partner_iom.person,
            left_on=datetime.date(2026, 1, 15),
            successor=gone,
        )
    assert ActionUpdate.objects.count() == journal_before
    partner_iom.person.refresh_from_db()
    assert partner_iom.person.left_on is None
    assert can_sign_in("iom_partner")


def test_language_is_saved_for_e_mails(partner_iom):
    language.change_language(person=partner_iom.person, language="ar")
    partner_iom.person.refresh_from_db()
    assert partner_iom.person.language == "ar"
    with pytest.raises(services.AccessError):
        language.change_language(person=partner_iom.person, language="xx")


def test_user_factory_accounts_are_not_invitations():
    user = UserFactory(username="someone")
    person = PersonFactory(user=user)
    assert services.invitation_state(person) == "active"


def test_an_account_is_given_only_to_someone_active_without_one(coordinator, partner_iom):
    with pytest.raises(services.AccessError, match="already has an account"):
        services.invite_existing_person(
            by=coordinator.user, person=partner_iom.person, email="new@example.org", role="viewer"
        )
    gone = PersonFactory(left_on=datetime.date(2025, 1, 1), email="")
    with pytest.raises(services.AccessError, match="reactivate them first"):
        services.invite_existing_person(
            by=coordinator.user, person=gone, email="gone@example.org", role="partner"
        )
    gone.refresh_from_db()
    assert gone.user is None and gone.email == ""
    assert not AccessChange.objects.exists()
