"""People as the 2017 report gives them (participants of the event, not current staff
until confirmed), and anonymising someone who left for good."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from actions import services
from actions.demo import SHIPPED_PLAN
from actions.forms import ActionPointForm
from actions.models import ActionPlan, ActionUpdate, DigestDelivery, Status
from participants.models import AccessChange, Participation, Person
from tests.factories import ActionPointFactory


@pytest.fixture
def imported(db, capsys):
    call_command("import_plan", str(SHIPPED_PLAN))
    capsys.readouterr()
    return ActionPlan.objects.get()


def test_the_2017_attendees_are_participants_of_the_event_not_current_staff(imported, viewer):
    attendees = Person.objects.filter(participations__isnull=False).distinct()
    assert attendees.count() == 24  # 21 participants and 3 trainers
    assert not attendees.filter(is_confirmed=True).exists()
    page = viewer.get(f"/plans/{imported.pk}/").content.decode()
    section = page.split('id="event-people"', 1)[1].split("</section>", 1)[0]
    assert "Participants of the PIM training, December 2017" in section
    assert section.count("<li>") == 24
    acted = viewer.get("/organizations/ACTED/").content.decode()
    staff = acted.split('id="people-heading"', 1)[1]
    assert "No staff recorded." in staff


def test_they_are_not_offered_as_focal_points_until_confirmed(imported, coordinator):
    attendee = Participation.objects.filter(role="participant").first().person
    assert attendee.pk not in ActionPointForm().people
    response = coordinator.post(f"/people/{attendee.pk}/confirm/")
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.is_confirmed
    assert attendee.pk in ActionPointForm().people
    change = AccessChange.objects.get(person=attendee)
    assert (change.kind, change.by) == (AccessChange.Kind.CONFIRMED, coordinator.user)
    org = attendee.organization.acronym
    assert attendee.full_name in coordinator.get(f"/organizations/{org}/").content.decode()
    assert "Confirmed as current staff" in coordinator.get("/people/log/").content.decode()


def test_the_person_page_offers_the_confirmation(imported, coordinator):
    attendee = Participation.objects.filter(role="participant").first().person
    page = coordinator.get(f"/people/{attendee.pk}/").content.decode()
    assert "Known only from an event's list of participants" in page
    assert f'action="/people/{attendee.pk}/confirm/"' in page


# --- Leaving for good -------------------------------------------------------------------
@pytest.fixture
def leaver(plan, partner_iom, coordinator):
    item = ActionPointFactory(area=plan.areas.get(code="A"), code="A-1")
    services.change_action_point(
        action_point=item, by=partner_iom.user, status=Status.IN_PROGRESS, note="Started."
    )
    services.change_action_point(action_point=item, by=coordinator.user, status=Status.DONE)
    DigestDelivery.objects.create(
        person=partner_iom.person,
        kind="partner",
        period="2024-03-11",
        status="failed",
        error=f"550 {partner_iom.person.email} refused",
    )
    partner_iom.person.job_title = "Protection officer"
    partner_iom.person.save()
    return partner_iom


def test_anonymising_erases_the_person_and_the_journal_says_former_staff(leaver, coordinator):
    person, user_pk, email = leaver.person, leaver.user.pk, leaver.person.email
    response = coordinator.post(f"/people/{person.pk}/anonymise/", {"confirm": "1"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.email, person.job_title, person.user) == ("", "", None)
    assert "Iom_partner" not in person.full_name
    assert not User.objects.filter(pk=user_pk).exists()
    entry = ActionUpdate.objects.get(note="Started.")
    assert (entry.author_name, entry.author_anonymised) == ("former staff of IOM", True)
    page = coordinator.get(f"/actions/{entry.action_point_id}/").content.decode()
    assert "former staff of IOM" in page and "Iom_partner" not in page
    delivery = DigestDelivery.objects.get(person=person)  # the count stays
    assert email not in delivery.error
    log = coordinator.get("/people/log/").content.decode()
    assert "Iom_partner" not in log and "Anonymised on their request" in log


def test_anonymising_needs_the_confirmation_and_a_handed_over_person(leaver, coordinator, plan):
    person = leaver.person
    coordinator.post(f"/people/{person.pk}/anonymise/", {})
    person.refresh_from_db()
    assert person.anonymised_at is None and person.email
    ActionPointFactory(area=plan.areas.get(code="B"), code="B-1", focal=[person])
    response = coordinator.post(f"/people/{person.pk}/anonymise/", {"confirm": "1"}, follow=True)
    assert "hand their items over first" in response.content.decode()
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_the_journal_allows_an_anonymisation_and_nothing_else_with_it(leaver):
    from django.db import IntegrityError, connection, transaction

    entry = ActionUpdate.objects.get(note="Started.")
    table = ActionUpdate._meta.db_table
    refused = [
        # the name, without saying it is anonymised
        ("SET author_name = 'X'", []),
        # anonymised, and the note changed with it
        ("SET author_name = 'X', author_anonymised = %s, note = 'Y'", [True]),
    ]
    for assignment, params in refused:
        with (
            pytest.raises(IntegrityError, match="immutable"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"UPDATE {table} {assignment} WHERE id = %s", [*params, entry.pk])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET author_name = 'former staff of IOM', "  # noqa: S608
            "author_anonymised = %s, author_id = NULL WHERE id = %s",
            [True, entry.pk],
        )
    entry.refresh_from_db()
    assert (entry.author_name, entry.note) == ("former staff of IOM", "Started.")
