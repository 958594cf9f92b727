"""Pages about someone's or something's items stay light however many there are: each group
shows its first rows, the count of all of them, and a link to the list that holds the rest.

Rows are bulk-created (tests.bulk): these tests read pages, they change nothing.
"""

import datetime
import html
import re

import pytest
from django.http import QueryDict
from django.utils import timezone

from actions import selectors
from actions.models import ActionPoint, Status
from actions.paginators import KeysFirstPaginator
from tests.actions.conftest import section
from tests.bulk import create_action_points


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


def save_items(items: list[dict], leads=(), focal=()) -> list[ActionPoint]:
    return create_action_points({**item, "leads": leads, "focal": focal} for item in items)


def item(area, number, **fields) -> dict:
    code = fields.pop("code", f"{area.code}-{number}")
    return dict(
        area=area, code=code, position=number, title=f"Item {code}", description="", **fields
    )


def codes_in(text: str) -> list[str]:
    return re.findall(r'<td class="code"><a href="[^"]*">([^<]+)</a>', text)


def link(text: str, words: str) -> tuple[str, str]:
    """The href and the text of the one link whose text contains ``words``."""
    found = [
        (html.unescape(href), html.unescape(label))
        for href, label in re.findall(r'<a href="([^"]+)">([^<]*)</a>', text)
        if words in html.unescape(label)
    ]
    assert len(found) == 1, found
    return found[0]


def listed(client, url: str) -> list[str]:
    """Every code the action point list shows at ``url``, page after page."""
    codes, page = [], 1
    while True:
        response = client.get(f"{url}&page={page}")
        assert response.status_code == 200
        assert not response.context["form"].errors
        codes += [i.code for i in response.context["items"]]
        if not response.context["page"].has_next():
            return codes
        page += 1


# --- My items -----------------------------------------------------------------------------


@pytest.fixture
def many_of_mine(plan, organizations, partner_iom, today):
    """More than fifty items in every group of the IOM partner's "My items", and three
    overdue items that are theirs only as a focal point (ACTED leads them)."""
    area, other = plan.areas.get(code="A"), plan.areas.get(code="B")
    iom, acted = [organizations["IOM"]], [organizations["ACTED"]]
    days = datetime.timedelta
    save_items(
        # Overdue: A-1 is one day late, A-60 sixty days: the most overdue come first.
        [item(area, n, due_date=today - days(n)) for n in range(1, 61)]
        # Due in the next 14 days, today included.
        + [item(area, n, due_date=today + days(n % 15)) for n in range(101, 156)]
        # Open, due later or with no due date.
        + [item(area, n, due_date=today + days(30) if n % 2 else None) for n in range(201, 253)]
        + [item(area, n, status=Status.DONE if n % 2 else Status.DROPPED) for n in range(301, 352)],
        leads=iom,
    )
    save_items(
        [item(other, n, due_date=today - days(100)) for n in (1, 2, 3)],
        leads=acted,
        focal=[partner_iom.person],
    )
    save_items([item(other, 9, due_date=today - days(100))], leads=acted)


def test_my_items_show_the_first_fifty_of_each_group_and_how_many_there_are(
    partner_iom, many_of_mine
):
    page = partner_iom.get("/my/").content.decode()
    totals = {"overdue": 63, "due-soon": 55, "open": 52, "closed": 51}
    for key, total in totals.items():
        shown = section(page, key)
        assert len(codes_in(shown)) == 50, key
        assert f'<span class="count">{total}</span></h2>' in shown, key
        assert f"The first 50 of {total} are shown." in shown, key
        # The jump links at the top carry the same totals.
        assert re.search(rf'href="#{key}">[^<]+</a> <span class="count">{total}</span>', page)
    # The most overdue first: the focal-point items (100 days late), then A-60 down to A-14.
    assert codes_in(section(page, "overdue")) == ["B-1", "B-2", "B-3"] + [
        f"A-{n}" for n in range(60, 13, -1)
    ]
    assert "B-9" not in page


def test_my_items_link_each_long_group_to_the_list_that_shows_what_the_link_says(
    partner_iom, many_of_mine, today
):
    page = partner_iom.get("/my/").content.decode()
    soon = today + datetime.timedelta(days=14)
    expected = {
        "overdue": (
            "Show all 60 overdue items led by IOM in the action point list",
            {f"A-{n}" for n in range(1, 61)},
        ),
        "due-soon": (
            f"Show all 55 open items led by IOM due from {today:%Y-%m-%d} to {soon:%Y-%m-%d} "
            "in the action point list",
            {f"A-{n}" for n in range(101, 156)},
        ),
        "open": (
            "Show all 167 open items led by IOM, overdue and due soon included, "
            "in the action point list",
            {f"A-{n}" for n in [*range(1, 61), *range(101, 156), *range(201, 253)]},
        ),
        "closed": (
            "Show all 51 closed items led by IOM in the action point list",
            {f"A-{n}" for n in range(301, 352)},
        ),
    }
    for key, (text, codes) in expected.items():
        href, label = link(section(page, key), "Show all")
        assert label == text, key
        shown = listed(partner_iom, href)
        assert len(shown) == len(codes) and set(shown) == codes, key


def test_my_items_say_which_items_the_list_cannot_show(partner_iom, many_of_mine):
    page = partner_iom.get("/my/").content.decode()
    assert (
        "3 items of this group are yours as a focal point and not led by IOM: the list "
        "filters by lead organisation, so they are not there."
    ) in section(page, "overdue")
    for key in ("due-soon", "open", "closed"):
        assert "as a focal point" not in section(page, key), key


def test_my_items_with_few_items_show_them_all_without_a_link(
    partner_iom, plan, organizations, today
):
    area = plan.areas.get(code="A")
    save_items(
        [item(area, n, due_date=today - datetime.timedelta(days=1)) for n in range(1, 51)],
        leads=[organizations["IOM"]],
    )
    overdue = section(partner_iom.get("/my/").content.decode(), "overdue")
    assert len(codes_in(overdue)) == 50
    assert "Show all" not in overdue and "The first" not in overdue


# --- The plan page --------------------------------------------------------------------------


@pytest.fixture
def long_area(plan):
    """Area B with 130 items (every tenth done) and three sub-items of B-48 placed at the
    end of the area; area A with two items."""
    area = plan.areas.get(code="B")
    items = save_items(
        [
            item(area, n, status=Status.DONE if n % 10 == 0 else Status.NOT_STARTED)
            for n in range(1, 131)
        ]
    )
    parent = next(i for i in items if i.code == "B-48")
    save_items([item(area, 500 + n, code=f"B-48.{n}", parent=parent) for n in (1, 2, 3)])
    save_items([item(plan.areas.get(code="A"), n) for n in (1, 2)])
    return area


def test_plan_page_shows_the_first_fifty_items_of_an_area_in_reading_order(viewer, plan, long_area):
    page = viewer.get(f"/plans/{plan.pk}/").content.decode()
    area_b = section(page, "area-b")
    # Sub-items follow their parent even when the plan places them last.
    assert codes_in(area_b) == [f"B-{n}" for n in range(1, 49)] + ["B-48.1", "B-48.2"]
    assert "The first 50 of 133 are shown." in area_b
    # The counts are those of every item of the area, not of the rows shown.
    assert "Not started: 120; Done: 13; Overdue: 0" in area_b


def test_a_sub_item_whose_parent_is_in_another_area_keeps_its_own_place(viewer, plan, long_area):
    parents = {i.code: i for i in ActionPoint.objects.filter(code__in=["B-1", "B-48"])}
    area_a = plan.areas.get(code="A")
    save_items([item(area_a, 0, code="A-0.1", parent=parents["B-1"])])
    save_items([item(area_a, 3, code="A-3.1", parent=parents["B-48"])])
    page = viewer.get(f"/plans/{plan.pk}/").content.decode()
    assert codes_in(section(page, "area-a")) == ["A-0.1", "A-1", "A-2", "A-3.1"]
    area_b = codes_in(section(page, "area-b"))
    assert area_b == [f"B-{n}" for n in range(1, 49)] + ["B-48.1", "B-48.2"]


def test_plan_page_links_a_long_area_to_the_list_of_all_its_items(viewer, plan, long_area):
    page = viewer.get(f"/plans/{plan.pk}/").content.decode()
    area_b = section(page, "area-b")
    href, label = link(area_b, "Show all")
    assert label == "Show all 133 action points of area B in the action point list"
    assert href == f"/actions/?plan={plan.pk}&area=B"
    shown = listed(viewer, href)
    assert len(shown) == 133
    assert set(shown) == {i.code for i in ActionPoint.objects.filter(area=long_area)}
    area_a = section(page, "area-a")
    assert codes_in(area_a) == ["A-1", "A-2"]
    assert "Show all" not in area_a


# --- The organisation page --------------------------------------------------------------------


@pytest.fixture
def many_led(plan, organizations):
    """IOM leads 55 items, five of them done; ACTED leads three others."""
    area = plan.areas.get(code="A")
    save_items(
        [
            item(area, n, status=Status.DONE if n % 11 == 0 else Status.NOT_STARTED)
            for n in range(1, 56)
        ],
        leads=[organizations["IOM"]],
    )
    save_items([item(area, n) for n in (101, 102, 103)], leads=[organizations["ACTED"]])


def test_organisation_page_shows_its_first_fifty_items_and_counts_them_all(viewer, many_led):
    page = viewer.get("/organizations/IOM/").content.decode()
    items = section(page, "items-heading")
    assert codes_in(items) == [f"A-{n}" for n in range(1, 51)]
    assert '<span class="count">55</span></h2>' in items
    assert "The first 50 of 55 are shown." in items
    assert "Not started: 50; Done: 5; Overdue: 0" in page


def test_organisation_page_links_to_the_list_of_all_it_leads(viewer, many_led):
    page = viewer.get("/organizations/IOM/").content.decode()
    href, label = link(page, "Show all")
    assert label == "Show all 55 action points led by IOM in the action point list"
    assert href == "/actions/?organization=IOM"
    assert listed(viewer, href) == [f"A-{n}" for n in range(1, 56)]
    assert "Show all" not in viewer.get("/organizations/ACTED/").content.decode()


# --- Paging through the list ------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["", "due_date", "-due_date", "-code", "status", "-updated_at"])
def test_the_list_pages_through_every_item_once_in_its_order(
    viewer, plan, today, sort, monkeypatch
):
    """Pages past the first find their rows by key first (``KeysFirstPaginator``, here
    from the second page); page after page they list what the whole ordered list holds,
    ties (the same due date, status) included."""
    monkeypatch.setattr(KeysFirstPaginator, "keys_first_after", 1)
    area_a, area_b = plan.areas.get(code="A"), plan.areas.get(code="B")
    statuses = list(Status)
    save_items(
        [
            item(
                area_b if n % 2 else area_a,
                n,
                due_date=today + datetime.timedelta(days=n % 7),
                status=statuses[n % len(statuses)],
            )
            for n in range(130)
        ]
    )
    whole = [i.code for i in selectors.filtered_list(QueryDict(f"sort={sort}")).qs]
    assert len(whole) == len(set(whole)) == 130
    assert listed(viewer, f"/actions/?sort={sort}") == whole


@pytest.mark.parametrize(
    "query",
    [
        "area=B",
        "status=in_progress&sort=due_date",
        "area=A&status=not_started&sort=-updated_at",
        "area=B&status=blocked&organization=IOM&sort=due_date",
        "organization=IOM&sort=status",
    ],
)
def test_a_narrowed_list_pages_through_its_items_once_in_order(
    viewer, plan, organizations, today, query
):
    """A list that a filter narrows finds even its first page's rows by key first; page
    after page it lists what the whole filtered, ordered list holds."""
    area_a, area_b = plan.areas.get(code="A"), plan.areas.get(code="B")
    statuses = list(Status)
    items = [
        item(
            area_b if n % 2 else area_a,
            n,
            due_date=today + datetime.timedelta(days=n % 7),
            status=statuses[n % 3],
        )
        for n in range(720)
    ]
    save_items([i for n, i in enumerate(items) if n % 4 != 3], leads=[organizations["IOM"]])
    save_items([i for n, i in enumerate(items) if n % 4 == 3], leads=[organizations["ACTED"]])
    whole = [i.code for i in selectors.filtered_list(QueryDict(query)).qs]
    assert len(whole) == len(set(whole)) > 50
    assert listed(viewer, f"/actions/?{query}") == whole
