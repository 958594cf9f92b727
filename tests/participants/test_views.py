"""Organisation pages: every organisation with its progress, and one organisation's items."""

import datetime
import re

import pytest
from django.utils import timezone

from actions.models import Status
from tests.bulk import create_action_points, create_organizations
from tests.factories import ActionPointFactory, OrganizationFactory, PersonFactory


@pytest.fixture
def led(plan, organizations):
    today = timezone.localdate()
    iom, unhcr = organizations["IOM"], organizations["UNHCR"]
    area = plan.areas.get(code="A")
    return [
        ActionPointFactory(area=area, code="A-1", leads=[iom], status=Status.DONE),
        ActionPointFactory(
            area=area, code="A-2", leads=[iom, unhcr], due_date=today - datetime.timedelta(2)
        ),
        ActionPointFactory(area=area, code="A-3", leads=[unhcr], status=Status.BLOCKED),
    ]


def row_of(html: str, acronym: str) -> str:
    return html.split(f">{acronym}</a></th>", 1)[1].split("</tr>", 1)[0]


def test_list_shows_each_organisation_with_its_progress(viewer, led):
    html = viewer.get("/organizations/").content.decode()
    # Items led, done, overdue.
    assert re.findall(r'<td class="num[^"]*">(?:<strong[^>]*>)?(\d+)', row_of(html, "IOM")) == [
        "2",
        "1",
        "1",
    ]
    assert re.findall(r'<td class="num[^"]*">(?:<strong[^>]*>)?(\d+)', row_of(html, "ECHO")) == [
        "0",
        "0",
        "0",
    ]
    assert '<rect class="fill-done"' in row_of(html, "IOM")


def test_list_finds_by_name_or_acronym(viewer, led):
    html = viewer.get("/organizations/?q=migration").content.decode()
    assert ">IOM</a>" in html
    assert ">UNHCR</a>" not in html


def test_list_pages_fifty_at_a_time_and_forgives_bad_pages(viewer, db):
    for n in range(60):
        OrganizationFactory(acronym=f"NGO{n:02d}")
    html = viewer.get("/organizations/").content.decode()
    assert html.count('<th scope="row">') == 50
    assert 'href="?page=2"' in html
    for page in ("2", "abc", "9999"):
        response = viewer.get(f"/organizations/?page={page}")
        assert response.status_code == 200
        assert ">NGO59</a>" in response.content.decode() or page == "abc"


def test_detail_shows_the_items_it_leads_and_its_progress(viewer, led):
    response = viewer.get("/organizations/IOM/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "International Organization for Migration" in html
    assert ">A-1<" in html and ">A-2<" in html
    assert ">A-3<" not in html
    assert "Done: 1" in html
    assert "Overdue: 1" in html


def test_staff_emails_are_for_coordinators_only(coordinator, partner_acted, viewer, organizations):
    PersonFactory(organization=organizations["IOM"], email="field.officer@example.org")
    assert "field.officer@example.org" in coordinator.get("/organizations/IOM/").content.decode()
    for client in (partner_acted, viewer):
        html = client.get("/organizations/IOM/").content.decode()
        assert "field.officer@example.org" not in html


def test_people_who_left_are_not_listed_as_staff(viewer, organizations):
    PersonFactory(
        organization=organizations["IOM"], last_name="Gone", left_on=datetime.date(2018, 1, 1)
    )
    assert "Gone" not in viewer.get("/organizations/IOM/").content.decode()


def test_acronyms_with_a_slash_or_space_have_their_page(viewer, db):
    OrganizationFactory(acronym="CP/GBV", name="Child protection and GBV")
    OrganizationFactory(acronym="LRC Misrata", name="Libyan Red Crescent Misrata")
    assert viewer.get("/organizations/CP/GBV/").status_code == 200
    html = viewer.get("/organizations/").content.decode()
    assert 'href="/organizations/LRC%20Misrata/"' in html
    assert viewer.get("/organizations/LRC%20Misrata/").status_code == 200


def test_unknown_organisation_is_404(viewer, db):
    assert viewer.get("/organizations/NOPE/").status_code == 404
    # PostgreSQL refuses NUL in text; the page must answer before asking it.
    assert viewer.get("/organizations/I%00OM/").status_code == 404


def test_a_search_with_a_nul_character_is_not_an_error(viewer, led):
    response = viewer.get("/organizations/?q=I%00OM&page=%00")
    assert response.status_code == 200
    assert ">IOM</a>" in response.content.decode()


def test_organisation_text_is_escaped(viewer, db):
    OrganizationFactory(acronym="EVIL", name="<script>alert(1)</script>")
    for path in ("/organizations/", "/organizations/EVIL/"):
        html = viewer.get(path).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize("n", [5, 200])
def test_pages_run_a_constant_number_of_queries(
    viewer, plan, organizations, n, django_assert_num_queries
):
    area = plan.areas.get(code="B")
    create_action_points(
        dict(area=area, code=f"B-{i}", leads=[organizations["IOM"]]) for i in range(n)
    )
    create_organizations(dict(acronym=f"ORG{i:03d}") for i in range(n))
    # Session; user with groups and person (the role and the navigation); the COUNT and the
    # page of organisations with their counts.
    with django_assert_num_queries(4):
        assert viewer.get("/organizations/").status_code == 200
    # Session; user with groups and person (the role and the navigation); the organisation;
    # the items it leads counted per status; the first 50 of them; their leads; its active
    # staff.
    with django_assert_num_queries(7):
        assert viewer.get("/organizations/IOM/").status_code == 200
