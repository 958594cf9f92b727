"""Organisation contacts get the digest of the items their organisation leads: after
``load_demo``, ACTED's contact is told about B-8 (blocked, due in 5 days), which the 2017
plan gives to no focal point."""

import io

import pytest
from django.core.management import call_command

from actions.digests import recipients
from actions.models import DigestKind, Status
from participants.models import Person
from pimtracker.settings import _email_settings
from tests.actions.digests import scenario as s
from tests.factories import ActionPointFactory, PersonFactory

from .test_smtp import SMTPServer


@pytest.fixture
def scenario(plan, organizations, coordinator):
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    with s.at(2024, 3, 11, 7, 0):
        yield data


def test_contacts_of_a_lead_organisation_get_a_partner_digest(scenario, organizations):
    # DRC leads B-2, which is open; Nora (DRC) is already a focal point.
    contact = PersonFactory(organization=organizations["IOM"], is_contact=True)
    colleague = PersonFactory(organization=organizations["IOM"])  # not the contact
    got = {(r.person.pk, r.kind) for r in recipients.recipients()}
    assert (contact.pk, DigestKind.PARTNER) in got
    assert colleague.pk not in {pk for pk, _kind in got}


def test_a_contact_whose_organisation_leads_nothing_open_gets_nothing(scenario, organizations):
    # ACTED leads only B-1, which is done.
    contact = PersonFactory(organization=organizations["ACTED"], is_contact=True)
    assert contact.pk not in {r.person.pk for r in recipients.recipients()}
    ActionPointFactory(area=scenario.items["B-1"].area, code="B-9", leads=[organizations["ACTED"]])
    assert contact.pk in {r.person.pk for r in recipients.recipients()}


def test_a_contact_who_left_gets_nothing(scenario, organizations):
    contact = PersonFactory(organization=organizations["IOM"], is_contact=True)
    contact.left_on = s.PERIOD
    contact.save()
    assert contact.pk not in {r.person.pk for r in recipients.recipients()}


def test_a_contact_in_the_core_group_still_gets_one_digest(scenario):
    scenario.coordinator.is_contact = True
    scenario.coordinator.save()
    kinds = [r.kind for r in recipients.recipients() if r.person == scenario.coordinator]
    assert kinds == [DigestKind.CORE_GROUP]


@pytest.mark.services
def test_after_load_demo_acteds_contact_is_told_about_b8_first(db, settings, capsys):
    server = SMTPServer()
    server.start()
    try:
        for name, value in _email_settings(f"smtp://127.0.0.1:{server.port}").items():
            setattr(settings, name, value)
        call_command("load_demo")
        acted = Person.objects.get(organization__acronym="ACTED", is_contact=True)
        call_command("send_digests", stdout=io.StringIO())
        call_command("send_digests", stdout=io.StringIO())  # exactly once
    finally:
        server.stop()
    to_acted = [m for m in server.inbox.messages if acted.email in str(m["To"])]
    assert len(to_acted) == 1
    message = to_acted[0]
    # Folded onto its own line (encoded, and long): the value is the same.
    assert message["Subject"].strip() == "1 due soon — Libya Protection Cluster PIM action plan"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    # Nothing overdue; B-8 is the first item listed.
    assert "Nothing is overdue." in text
    due = text.split("\nDue in the next 14 days\n")[1]
    assert due.startswith("- B-8 ")
    assert f"({Status.BLOCKED.label}; lead: ACTED) " in due.splitlines()[0]
    assert "in 5 days" in due.splitlines()[0]
    assert "as the contact of ACTED for action plans" in text
    html = message.get_body(("html",)).get_content()
    assert ">B-8</a>" in html
