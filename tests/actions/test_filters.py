"""The list's filters: each GET parameter of DESIGN §4, the form that keeps its values, and
bad values that give the form's error and an empty page, never a server error."""

import datetime
import re

import pytest
from django.utils import timezone

from actions import services
from actions.models import Status
from tests.bulk import create_action_points
from tests.factories import ActionPlanFactory, ActionPointFactory, AreaFactory, ForumFactory


@pytest.fixture
def items(plan, organizations, partner_acted):
    today = timezone.localdate()
    pwg = ForumFactory(acronym="PWG", name="Protection Working Group")
    imwg = ForumFactory(acronym="IMWG", name="Information Management Working Group")
    a, b, c = (plan.areas.get(code=code) for code in "ABC")
    made = {
        "A-1": ActionPointFactory(
            area=a,
            code="A-1",
            position=1,
            title="Harmonize tools",
            leads=[organizations["IOM"], organizations["UNHCR"]],
            forum=pwg,
            due_date=today - datetime.timedelta(days=10),
        ),
        "A-2": ActionPointFactory(
            area=a,
            code="A-2",
            position=2,
            title="Shared definitions",
            description="Returnees and IDPs.",
            status=Status.IN_PROGRESS,
            leads=[organizations["ACTED"]],
            due_date=today + datetime.timedelta(days=30),
        ),
        "B-1": ActionPointFactory(
            area=b,
            code="B-1",
            position=1,
            title="Dropbox repository",
            status=Status.DONE,
            forum=imwg,
            due_date=today - datetime.timedelta(days=40),
        ),
        "B-10": ActionPointFactory(
            area=b,
            code="B-10",
            position=10,
            title="Information-sharing protocols",
            status=Status.BLOCKED,
            focal=[partner_acted.person],
        ),
        "C-2": ActionPointFactory(
            area=c,
            code="C-2",
            position=2,
            title="Engage the MMWG",
            status=Status.DROPPED,
        ),
    }
    # A second plan, so that plan and area filters have something to tell apart.
    other = ActionPlanFactory(key="other", title="Other plan")
    made["X-1"] = ActionPointFactory(
        area=AreaFactory(plan=other, code="A", name="Other A"), code="X-1", title="Elsewhere"
    )
    services.change_action_point(action_point=made["A-2"], by=None, note="Touched last.")
    return made


def codes(response) -> list[str]:
    """The codes listed in the table, in order."""
    html = response.content.decode()
    if '<table class="items">' not in html:
        return []
    table = html.split('<table class="items">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="code"><a [^>]*>([^<]+)</a>', table)


def errors(response) -> str:
    html = response.content.decode()
    return (
        html.split('class="form-errors"', 1)[1].split("</div>", 1)[0]
        if "form-errors" in html
        else ""
    )


def test_without_filters_every_item_in_plan_order(viewer, items):
    response = viewer.get("/actions/")
    assert response.status_code == 200
    assert codes(response)[:5] == ["A-1", "A-2", "B-1", "B-10", "C-2"]
    assert len(codes(response)) == 6


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("area=A", ["A-1", "A-2", "X-1"]),
        ("area=B", ["B-1", "B-10"]),
        ("status=blocked", ["B-10"]),
        ("status=blocked&status=done", ["B-1", "B-10"]),
        ("organization=IOM", ["A-1"]),
        ("organization=unhcr", ["A-1"]),  # acronyms match in any case
        ("organization=ACTED", ["A-2"]),
        ("forum=PWG", ["A-1"]),
        ("forum=imwg", ["B-1"]),
        ("overdue=1", ["A-1"]),  # B-1 is past due but done
        ("q=definitions", ["A-2"]),
        ("q=returnees", ["A-2"]),  # description
        ("q=b-1", ["B-1", "B-10"]),  # code
        ("q=++", ["A-1", "A-2", "B-1", "B-10", "C-2", "X-1"]),
        ("area=A&status=in_progress", ["A-2"]),
    ],
)
def test_each_filter(viewer, items, query, expected):
    response = viewer.get(f"/actions/?{query}")
    assert response.status_code == 200
    assert errors(response) == ""
    assert codes(response) == expected


def test_plan_filter(viewer, items, plan):
    assert "X-1" not in codes(viewer.get(f"/actions/?plan={plan.pk}"))
    other = items["X-1"].plan_id
    assert codes(viewer.get(f"/actions/?plan={other}")) == ["X-1"]


def test_due_date_range_is_inclusive(viewer, items):
    due = items["A-2"].due_date.isoformat()
    assert codes(viewer.get(f"/actions/?due_after={due}&due_before={due}")) == ["A-2"]
    a1 = items["A-1"].due_date.isoformat()
    assert codes(viewer.get(f"/actions/?due_before={a1}")) == ["A-1", "B-1"]


def test_an_item_with_two_leads_is_listed_once(viewer, items):
    assert codes(viewer.get("/actions/?organization=IOM")) == ["A-1"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("code", ["A-1", "A-2", "B-1", "B-10", "C-2", "X-1"]),
        ("-code", ["X-1", "C-2", "B-10", "B-1", "A-2", "A-1"]),
        ("due_date", ["B-1", "A-1", "A-2", "B-10", "C-2", "X-1"]),  # no date last
        ("-due_date", ["A-2", "A-1", "B-1", "B-10", "C-2", "X-1"]),
        ("status", ["A-1", "X-1", "A-2", "B-10", "B-1", "C-2"]),
        ("-status", ["C-2", "B-1", "B-10", "A-2", "A-1", "X-1"]),
    ],
)
def test_sorting(viewer, items, sort, expected):
    assert codes(viewer.get(f"/actions/?sort={sort}")) == expected


def test_sorting_by_last_update(viewer, items):
    assert codes(viewer.get("/actions/?sort=-updated_at"))[0] == "A-2"
    assert codes(viewer.get("/actions/?sort=updated_at"))[-1] == "A-2"


def test_the_form_keeps_its_values(viewer, items):
    html = viewer.get(
        "/actions/?q=tools&area=A&status=blocked&status=done&organization=IOM&forum=PWG"
        "&overdue=1&due_after=2017-12-15&due_before=2030-01-01&sort=-due_date"
    ).content.decode()
    assert 'name="q" value="tools"' in html
    assert re.search(r'<option value="A" selected>', html)
    assert re.search(r'value="blocked"[^>]*checked', html)
    assert re.search(r'value="done"[^>]*checked', html)
    assert not re.search(r'value="in_progress"[^>]*checked', html)
    assert 'name="organization" value="IOM"' in html
    assert 'name="forum" value="PWG"' in html
    assert re.search(r'name="overdue"[^>]*checked', html)
    assert 'name="due_after" value="2017-12-15"' in html
    assert re.search(r'<option value="-due_date" selected>', html)
    assert 'id="filter-submit"' in html


def test_organisations_are_typed_with_suggestions_not_a_select(viewer, items):
    html = viewer.get("/actions/").content.decode()
    assert '<select name="organization"' not in html
    assert '<datalist id="organization-acronyms">' in html
    assert '<option value="ACTED">' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("due_before=2018-02-30", "Due on or before"),
        ("due_after=31/12/2017", "Due on or after"),
        ("status=finished", "Select a valid choice"),
        ("status=done&status=evil", "Select a valid choice"),
        ("organization=NOPE", "There is no organisation with the acronym “NOPE”"),
        ("forum=NOPE", "There is no forum with the acronym “NOPE”"),
        ("area=Z", "Select a valid choice"),
        ("plan=999999", "Select a valid choice"),
        ("plan=abc", "Select a valid choice"),
        ("overdue=yes", "Select a valid choice"),
        ("sort=evil", "Select a valid choice"),
        ("sort=password", "Select a valid choice"),
        ("page=abc", "Enter a whole number"),
        ("page=0", "Page"),
        ("page=-1", "Page"),
        ("q=" + "x" * 300, "at most 200 characters"),
        # PostgreSQL refuses NUL in text: the form must stop it before the database.
        ("q=a%00b", "Null characters are not allowed"),
        ("organization=I%00OM", "Null characters are not allowed"),
    ],
)
def test_bad_values_show_the_error_and_an_empty_page(viewer, items, query, message):
    response = viewer.get(f"/actions/?{query}")
    assert response.status_code == 200
    assert message in errors(response)
    assert codes(response) == []
    assert "No item is listed while a filter is not valid." in response.content.decode()


def test_a_bad_value_keeps_the_other_values_in_the_form(viewer, items):
    html = viewer.get("/actions/?q=tools&due_before=nope").content.decode()
    assert 'name="q" value="tools"' in html
    assert 'name="due_before" value="nope"' in html


def test_a_page_past_the_end_is_empty_and_says_so(viewer, items):
    response = viewer.get("/actions/?page=9999&area=A")
    assert response.status_code == 200
    assert codes(response) == []
    html = response.content.decode()
    assert "There is no such page: this list has 1 page." in html
    assert 'href="?page=1&amp;area=A"' in html


@pytest.fixture
def many(plan):
    area = plan.areas.get(code="D")
    return create_action_points(dict(area=area, code=f"D-{n}", position=n) for n in range(1, 121))


def test_fifty_a_page_and_page_links_keep_the_filters(viewer, many):
    first = viewer.get("/actions/?area=D&sort=code")
    assert codes(first) == [f"D-{n}" for n in range(1, 51)]
    html = first.content.decode()
    assert "120 action points" in html
    assert 'href="?area=D&amp;sort=code&amp;page=2"' in html
    third = viewer.get("/actions/?area=D&sort=code&page=3")
    assert codes(third) == [f"D-{n}" for n in range(101, 121)]
    assert 'href="?area=D&amp;sort=code&amp;page=2"' in third.content.decode()
