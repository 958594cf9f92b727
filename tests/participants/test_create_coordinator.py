"""The first account: create_coordinator prints a one-time link, valid 3 days, to choose
a password; the new coordinator signs in through it."""

import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from participants.models import AccessChange, Organization, Person
from tests.factories import OrganizationFactory, PersonFactory

NEW_PASSWORD = "a long new password for the field"


def create(*extra: str) -> str:
    out = io.StringIO()
    call_command(
        "create_coordinator",
        "--email=Amina.Haddad@Example.org",
        "--first-name=Amina",
        "--last-name=Haddad",
        "--organization=UNHCR",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def link_path(output: str) -> str:
    return re.search(r"^http://127\.0\.0\.1:8000(/accounts/set-password/\S+)$", output, re.M)[1]


def choose_password(client: Client, path: str):
    form = client.get(path, follow=True)
    assert form.status_code == 200
    assert "Choose your password" in form.content.decode()
    return client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )


@pytest.mark.django_db
def test_creates_person_account_and_coordinator_role_and_prints_a_link():
    OrganizationFactory(acronym="UNHCR")
    output = create()
    person = Person.objects.select_related("user", "organization").get()
    assert (person.full_name, person.email, person.organization.acronym) == (
        "Amina Haddad",
        "amina.haddad@example.org",
        "UNHCR",
    )
    assert person.user.username == "amina.haddad@example.org"
    assert list(person.user.groups.values_list("name", flat=True)) == ["Coordinators"]
    assert not person.user.has_usable_password()
    assert not person.user.is_staff and not person.user.is_superuser
    assert "within 3 days" in output
    assert link_path(output)
    change = AccessChange.objects.get()
    assert (change.kind, change.person, change.by, change.by_name) == ("invited", person, None, "")


@pytest.mark.django_db
def test_the_link_sets_the_password_signs_in_and_works_only_once():
    OrganizationFactory(acronym="UNHCR")
    path = link_path(create())
    client = Client()
    done = choose_password(client, path)
    # Signed in, and asked to set up two-step sign-in before any page, as coordinators are.
    assert done.redirect_chain[-1][0].startswith("/security/mfa/setup/")
    assert "Set up two-step sign-in" in done.content.decode()
    assert "Sign out" in done.content.decode()
    assert User.objects.get().check_password(NEW_PASSWORD)

    again = Client().get(path, follow=True).content.decode()
    assert "This link does not work" in again
    assert "Set password and sign in" not in again


@pytest.mark.django_db
def test_the_link_expires_after_three_days():
    OrganizationFactory(acronym="UNHCR")
    path = link_path(create())
    # Hours of margin either side: the token reads the naive local clock, which a time zone
    # offset shifts under time travel.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2, hours=18)):
        assert "Choose your password" in Client().get(path, follow=True).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, hours=6)):
        page = Client().get(path, follow=True).content.decode()
    assert "This link does not work" in page
    assert not User.objects.get().has_usable_password()


@pytest.mark.django_db
def test_an_e_mail_already_known_is_refused_and_nothing_is_created():
    unhcr = OrganizationFactory(acronym="UNHCR")
    PersonFactory(email="amina.haddad@example.org", organization=unhcr)
    with pytest.raises(CommandError, match="already in PIM Tracker"):
        create()
    assert User.objects.count() == 0
    assert AccessChange.objects.count() == 0


@pytest.mark.django_db
def test_unknown_organisation_needs_its_full_name():
    with pytest.raises(CommandError, match="organization-name"):
        create()
    assert Person.objects.count() == 0
    create("--organization-name=UN Refugee Agency")
    assert Organization.objects.get().name == "UN Refugee Agency"
    assert Person.objects.get().organization.acronym == "UNHCR"


@pytest.mark.django_db
def test_running_it_again_before_the_password_is_chosen_prints_a_new_link():
    OrganizationFactory(acronym="UNHCR")
    create()
    later = timezone.now() + datetime.timedelta(days=4)
    with time_machine.travel(later):
        output = create()
        assert "has not chosen a password yet" in output
        page = Client().get(link_path(output), follow=True).content.decode()
    assert "Choose your password" in page
    assert Person.objects.count() == 1
    kinds = list(AccessChange.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["invited", "invitation_resent"]


@pytest.mark.django_db
def test_running_it_again_after_the_password_is_chosen_is_refused():
    OrganizationFactory(acronym="UNHCR")
    choose_password(Client(), link_path(create()))
    with pytest.raises(CommandError, match="already in PIM Tracker"):
        create()
