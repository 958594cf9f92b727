"""The dashboard's numbers, per area and per organisation, are what counting every item by
hand gives, and the organisations shown are those that lead the most items."""

import datetime
import re

import pytest
from django.utils import timezone

from actions.models import ActionPoint, Area, Status
from actions.progress import OPEN_STATUSES
from participants.models import Organization
from tests.actions.conftest import html_of, section
from tests.bulk import create_action_points
from tests.factories import ActionPlanFactory, AreaFactory, OrganizationFactory

# A number cell of a progress table, the overdue one with its link or emphasis.
NUMBER = re.compile(r'<td class="num[^"]*">(?:<[^>]*>)?(\d+)')
AREA_ROW = re.compile(
    r'<th scope="row"><a href="/actions/\?plan=(\d+)&amp;area=([^"&]+)">[^<]*</a></th>(.*?)</tr>',
    re.S,
)
ORGANIZATION_ROW = re.compile(
    r'<th scope="row"><a href="/organizations/([^/]+)/">[^<]*</a></th>(.*?)</tr>', re.S
)


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


def by_hand(items: list[ActionPoint], today: datetime.date) -> list[int]:
    """The dashboard's columns: not started, in progress, blocked, done, dropped, overdue."""
    per_status = [sum(1 for item in items if item.status == status) for status in Status]
    overdue = sum(
        1
        for item in items
        if item.status in OPEN_STATUSES and item.due_date and item.due_date < today
    )
    return [*per_status, overdue]


def numbers(cells: str) -> list[int]:
    return [int(n) for n in NUMBER.findall(cells)]


@pytest.fixture
def mixed_items(plan, organizations, today):
    """60 items over three areas of the plan and the one area of a second plan (area D
    stays empty), every status, due dates on both sides of today or none, and from no lead
    to three leads each."""
    second = ActionPlanFactory(title="A second plan")  # sorts before "Test action plan"
    areas = [*plan.areas.filter(code__in="ABC"), AreaFactory(plan=second, code="A")]
    ngos = [OrganizationFactory(acronym=f"NGO{i}") for i in range(3)]
    leads = [
        [],
        [organizations["IOM"]],
        [organizations["IOM"], organizations["ACTED"]],
        [ngos[0]],
        [organizations["UNHCR"], ngos[1], ngos[2]],
    ]
    statuses = list(Status)
    create_action_points(
        dict(
            area=areas[i % len(areas)],
            code=f"{areas[i % len(areas)].code}-{i}",
            status=statuses[i % len(statuses)],
            due_date=None if i % 7 == 0 else today + datetime.timedelta(days=i % 11 - 6),
            leads=leads[(i // 2) % len(leads)],
        )
        for i in range(60)
    )


def test_area_and_organisation_counts_are_those_of_every_item_counted_by_hand(
    viewer, plan, mixed_items, today
):
    html = html_of(viewer.get("/"))
    items = list(ActionPoint.objects.prefetch_related("lead_organizations"))

    shown_areas = {(int(p), code): numbers(cells) for p, code, cells in AREA_ROW.findall(html)}
    assert shown_areas == {
        (area.plan_id, area.code): by_hand([i for i in items if i.area_id == area.pk], today)
        for area in Area.objects.all()
    }
    assert shown_areas[(plan.pk, "D")] == [0] * 6  # an area without items still shows

    led = {
        organization.acronym: [i for i in items if organization in i.lead_organizations.all()]
        for organization in Organization.objects.all()
    }
    expected = sorted(
        ((acronym, by_hand(its, today)) for acronym, its in led.items() if its),
        key=lambda row: (-len(led[row[0]]), row[0]),
    )
    shown = [
        (a, numbers(cells)) for a, cells in ORGANIZATION_ROW.findall(section(html, "orgs-heading"))
    ]
    assert shown == expected
    assert "ECHO" not in dict(shown)  # it leads nothing

    overdue_total = re.search(r'id="overdue-heading">[^<]*<span class="count">(\d+)<', html)
    assert int(overdue_total.group(1)) == by_hand(items, today)[-1]


def test_the_25_organisations_leading_most_items_show_most_first(viewer, plan):
    area = plan.areas.get(code="A")
    # 30 organisations leading 1, 2, 3, 1, 2, 3, … items: ten lead one item each, and only
    # five of those fit in the 25 rows, the first by acronym.
    leading = [OrganizationFactory(acronym=f"ORG{n:02d}") for n in range(30)]
    create_action_points(
        dict(area=area, code=f"A-{n}-{k}", leads=[organization])
        for n, organization in enumerate(leading)
        for k in range(n % 3 + 1)
    )
    OrganizationFactory(acronym="IDLE")

    html = html_of(viewer.get("/"))
    shown = [a for a, _ in ORGANIZATION_ROW.findall(section(html, "orgs-heading"))]
    ranked = sorted(leading, key=lambda o: (-(leading.index(o) % 3 + 1), o.acronym))
    assert shown == [o.acronym for o in ranked[:25]]
    assert shown[-5:] == ["ORG00", "ORG03", "ORG06", "ORG09", "ORG12"]
