"""Coordinators make someone their organisation's contact on the person's page; the plan
file can name contacts too."""

from pathlib import Path

import pytest

from actions.plan_files.importing import import_plan
from participants.models import Person
from tests.actions.conftest import html_of, section
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "actions" / "plans" / "libya-pim-2017.toml"


def test_a_coordinator_makes_someone_a_contact_and_undoes_it(coordinator, organizations):
    person = PersonFactory(first_name="Jenna", last_name="Roy", organization=organizations["ACTED"])
    page = html_of(coordinator.get(f"/people/{person.pk}/"))
    assert "Make a contact of ACTED" in section(page, "contact")

    response = coordinator.post(f"/people/{person.pk}/contact/", {"is_contact": "1"}, follow=True)
    page = html_of(response)
    assert "Jenna Roy is now a contact of ACTED" in page
    assert "Yes: gets the digest and notices of the items ACTED leads" in page
    assert "No longer a contact of ACTED" in section(page, "contact")
    assert Person.objects.get(pk=person.pk).is_contact
    assert "(contact)" in html_of(coordinator.get("/people/?organization=ACTED"))

    coordinator.post(f"/people/{person.pk}/contact/", {"is_contact": "0"})
    assert not Person.objects.get(pk=person.pk).is_contact


def test_a_get_of_the_contact_url_goes_to_the_persons_page(coordinator, organizations):
    person = PersonFactory(organization=organizations["ACTED"])
    response = coordinator.get(f"/people/{person.pk}/contact/")
    assert response.status_code == 302 and response.url == f"/people/{person.pk}/"
    assert not Person.objects.get(pk=person.pk).is_contact


def test_the_plan_file_names_contacts_and_leaves_the_others_alone(db, tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    jenna = 'first_name = "Jenna"\nlast_name = "Le Roy"\norganization = "ACTED"\n'
    assert jenna in text
    import_plan(SHIPPED)
    assert not Person.objects.filter(is_contact=True).exists()
    # Set in the site: a file that does not say keeps it.
    Person.objects.filter(last_name="Cloutier").update(is_contact=True)
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(jenna, jenna + "contact = true\n"), encoding="utf-8")
    import_plan(path)
    assert set(Person.objects.filter(is_contact=True).values_list("last_name", flat=True)) == {
        "Le Roy",
        "Cloutier",
    }
    path.write_text(text.replace(jenna, jenna + "contact = false\n"), encoding="utf-8")
    import_plan(path)
    assert not Person.objects.get(last_name="Le Roy").is_contact


def test_the_plan_file_refuses_a_contact_that_is_not_true_or_false(db, tmp_path):
    from actions.plan_files.reading import PlanFileError

    text = SHIPPED.read_text(encoding="utf-8")
    jenna = 'first_name = "Jenna"\nlast_name = "Le Roy"\norganization = "ACTED"\n'
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(jenna, jenna + 'contact = "yes"\n'), encoding="utf-8")
    with pytest.raises(PlanFileError, match="contact: expected true or false"):
        import_plan(path)
