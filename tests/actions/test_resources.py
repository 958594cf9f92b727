"""Resources: the report's links and footnote 2's initiatives on the plan and item pages,
and the links coordinators keep there."""

import re
from pathlib import Path

import pytest

from actions.models import ActionPoint, Resource
from actions.plan_files.importing import import_plan
from actions.resources.services import add_resource
from participants.models import Organization
from tests.factories import ActionPointFactory

SHIPPED = Path(__file__).resolve().parents[2] / "actions" / "plans" / "libya-pim-2017.toml"
REPORT_LINKS = [
    "https://www.dropbox.com/sh/7r0ad6n14m0wnr4/AAC-Fw3OyxVxYKfbZcqmEAc9a?dl=0",
    "http://pim.guide/wp-content/uploads/2017/01/PIM-Core-Competencies-Framework_v4.pdf",
    "http://www.pim.guide",
    "https://gpccommunity.unhcrideas.org/Page/Home",
]
MAPPING = "https://www.dropbox.com/sh/6iydzftquq72oi/AADbHqRwbmjOXD22D8E5gUi4a?dl=0"


@pytest.fixture
def imported(db):
    return import_plan(SHIPPED)


def test_the_plan_page_shows_the_reports_links_and_its_four_initiatives(imported, viewer):
    page = viewer.get(imported.plan.get_absolute_url()).content.decode()
    for url in REPORT_LINKS:
        assert f'<a href="{url.replace("&", "&amp;")}" rel="noopener noreferrer"' in page, url
    assert MAPPING not in page  # A-1's, not the plan's
    for label, orgs in [
        ("ACTED/DRC/REACH: protection monitoring", "(ACTED, DRC, REACH)"),
        ("CESVI: protection monitoring", "(Cesvi)"),
        ("IOM: DTM", "(IOM)"),
        ("JIPS: population profiling", "Bureau of Statistics"),
    ]:
        assert f"<bdi>{label}</bdi>" in page
        assert orgs in page
    jips = Resource.objects.get(key="initiative-jips-population-profiling")
    assert {o.acronym for o in jips.organizations.all()} == {
        "JIPS", "UNHCR", "UNFPA", "UN-Habitat", "Ministry of Planning", "Bureau of Statistics",
    }  # fmt: skip
    assert jips.url == ""


def test_a1_links_the_analyzing_your_environment_mapping(imported, viewer):
    a1 = ActionPoint.objects.get(code="A-1")
    page = viewer.get(a1.get_absolute_url()).content.decode()
    assert f'<a href="{MAPPING}" rel="noopener noreferrer"' in page
    assert "Analyzing your environment" in page


def test_importing_again_keeps_the_links_and_those_added_in_the_site(imported, coordinator):
    plan = imported.plan
    add_resource(owner=plan, url="https://example.org/minutes", label="Minutes")
    again = import_plan(SHIPPED)
    counts = again.counts["resources"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 9)
    assert Resource.objects.count() == 10


def test_a_coordinator_adds_and_removes_a_link_on_an_item(plan, coordinator, viewer):
    item = ActionPointFactory(area=plan.areas.get(code="A"), code="A-1")
    response = coordinator.post(
        f"/resources/action/{item.pk}/add/",
        {"url": "https://example.org/tor", "label": "<b>Draft ToR</b>", "description": "v2"},
    )
    assert response["Location"] == f"/actions/{item.pk}/#resources"
    page = viewer.get(item.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Draft ToR&lt;/b&gt;" in page and "<b>Draft ToR</b>" not in page
    assert 'href="https://example.org/tor" rel="noopener noreferrer"' in page
    assert "Add a link" not in page  # viewers read, coordinators edit
    link = Resource.objects.get()
    coordinator.post(f"/resources/{link.pk}/remove/")
    assert not Resource.objects.exists()


@pytest.mark.parametrize("count", [2, 9])
def test_the_plan_page_reads_its_links_in_a_fixed_number_of_queries(
    plan, coordinator, count, django_assert_num_queries
):
    orgs = [Organization.objects.create(acronym=f"O{n}", name=f"Org {n}") for n in range(3)]
    for n in range(count):
        add_resource(owner=plan, url=f"https://example.org/{n}", label=f"L{n}", organizations=orgs)
    with django_assert_num_queries(
        2  # the session; the user with its groups and person (role)
        + 1  # the plan, with its forum and source event joined
        + 1  # its areas with their counts
        + 1  # the areas' learning outcomes
        + 1  # the first items of each area (none here: no lead organisations to read)
        + 1  # the plan's resources
        + 1  # their organisations
    ):
        response = coordinator.get(f"/plans/{plan.pk}/")
    assert len(re.findall(r'<li id="resource-\d+"', response.content.decode())) == count
