"""Each page runs the same number of queries for 5 rows as for 200 (DESIGN §7).

Every expected count is listed query by query, so that a new one is a decision.
"""

import datetime

import pytest
from django.utils import timezone

from actions.models import Status
from tests.bulk import change_action_points, create_action_points, create_people

SIZES = [5, 200]

# What every signed-in request costs before the page's own work.
# The session row; the user row with its role groups, person and organisation, read in the
# same query (actions.permissions.RoleReadingBackend): the role, a partner's rights and the
# navigation's "My items" link all read it.
SESSION_AND_USER = 2


@pytest.fixture
def rows(request, plan, organizations, partner_iom, coordinator):
    """``n`` items spread over the areas, each led by two organisations, with a focal point,
    a mix of statuses, some overdue, and a journal note each."""
    n = request.param
    today = timezone.localdate()
    areas = list(plan.areas.all())
    statuses = list(Status)
    items = create_action_points(
        dict(
            area=areas[i % len(areas)],
            code=f"{areas[i % len(areas)].code}-{i + 1}",
            position=i,
            status=statuses[i % len(statuses)],
            leads=[organizations["IOM"], organizations["ACTED"]],
            focal=[partner_iom.person],
            due_date=today + datetime.timedelta(days=(i % 40) - 20),
        )
        for i in range(n)
    )
    change_action_points(items, by=coordinator.user, note=[f"Note {i}" for i in range(n)])
    return n


@pytest.fixture
def detailed_item(request, plan, organizations, partner_iom, coordinator):
    """One item with ``n`` lead organisations' worth of focal points, ``n`` sub-items and
    ``n`` journal entries."""
    n = request.param
    area = plan.areas.get(code="C")
    (item,) = create_action_points(
        [
            dict(
                area=area,
                code="C-8",
                leads=[organizations["IOM"], organizations["UNHCR"]],
                focal=[partner_iom.person, *create_people(n)],
            )
        ]
    )
    create_action_points(dict(area=area, code=f"C-8.{i + 1}", parent=item) for i in range(n))
    change_action_points([item] * n, by=coordinator.user, note=[f"Note {i}" for i in range(n)])
    return item


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_dashboard(coordinator, rows, django_assert_num_queries):
    expected = (
        SESSION_AND_USER
        # The areas with their plans, and their items counted per status and overdue: a
        # subquery per count, each reading its area's range of the (area, status) index.
        + 1
        # The organisations that lead items, their items counted per status and overdue:
        # one GROUP BY organisation and status over the lead table joined to the items.
        + 1
        + 1  # the first 20 overdue items, with plan and area joined
        + 1  # their lead organisations (prefetch)
        + 1  # the 10 latest journal entries, with item, author and author's person joined
    )
    with django_assert_num_queries(expected):
        response = coordinator.get("/")
    assert response.status_code == 200
    assert expected == 7


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_action_list(coordinator, rows, django_assert_num_queries):
    expected = (
        SESSION_AND_USER
        # The filter form's choices: plans, area codes, organisation and forum acronyms,
        # in one UNION ALL.
        + 1
        + 1  # COUNT of the filtered items (paginator)
        + 1  # the page of items, with plan and area joined
        + 1  # their lead organisations (prefetch)
        + 1  # the account's saved views ("My views")
    )
    with django_assert_num_queries(expected):
        response = coordinator.get("/actions/?status=not_started&status=in_progress&sort=-due_date")
    assert response.status_code == 200
    assert expected == 7


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_action_list_filtered_by_organisation(partner_iom, rows, django_assert_num_queries):
    expected = (
        SESSION_AND_USER
        + 1  # the filter form's choices (one UNION ALL)
        + 1  # the organisation named in the filter, checked against the table
        + 3  # COUNT, the page of items, their lead organisations
        + 1  # the account's saved views ("My views")
    )
    with django_assert_num_queries(expected):
        response = partner_iom.get("/actions/?organization=acted&overdue=1")
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert expected == 8


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_my_items(partner_iom, rows, django_assert_num_queries):
    expected = (
        SESSION_AND_USER
        # The first 50 of each group (overdue, due soon, open, closed) of their items (led
        # by IOM or as focal point) and each group's counts: one query, numbered and
        # counted per group by window functions.
        + 1
        + 1  # the lead organisations of the rows shown (prefetch)
    )
    with django_assert_num_queries(expected):
        response = partner_iom.get("/my/")
    assert response.status_code == 200
    groups = response.context["groups"]
    assert groups.total == rows
    every_group = (groups.overdue, groups.due_soon, groups.open, groups.closed)
    shown = response.content.decode().count('<td class="code">')
    assert shown == sum(min(group.total, 50) for group in every_group)
    assert expected == 4


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_plan_page(coordinator, plan, rows, django_assert_num_queries):
    expected = (
        SESSION_AND_USER
        + 1  # the plan, with its forum and source event joined
        + 1  # its areas with their counts per status and overdue (one GROUP BY)
        + 1  # the areas' learning outcomes (prefetch)
        + 1  # the first 100 items of each area in reading order (numbered per area)
        + 1  # their lead organisations (prefetch)
        + 1  # the plan's resources (their organisations: none here, so no query)
    )
    with django_assert_num_queries(expected):
        response = coordinator.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('<td class="code">') == rows
    assert expected == 8


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_organisation_page(coordinator, rows, django_assert_num_queries):
    expected = (
        SESSION_AND_USER
        + 1  # the organisation
        + 1  # the items it leads counted per status and overdue (one GROUP BY)
        + 1  # the first 50 of them in plan order
        + 1  # their lead organisations (prefetch)
        + 1  # its active staff
    )
    with django_assert_num_queries(expected):
        response = coordinator.get("/organizations/IOM/")
    assert response.status_code == 200
    assert response.content.decode().count('<td class="code">') == min(rows, 50)
    assert response.context["data"].counts.total == rows
    assert expected == 7


@pytest.mark.parametrize("detailed_item", SIZES, indirect=True)
def test_action_detail(partner_iom, detailed_item, django_assert_num_queries):
    expected = (
        SESSION_AND_USER
        + 1  # the item, with plan, area, forum and parent joined
        + 1  # its lead organisations (prefetch)
        + 1  # its focal points with their organisations (prefetch)
        + 1  # its sub-items (prefetch)
        + 1  # its journal, with authors, their persons and meetings joined (prefetch)
        + 1  # the meetings that discussed it, with their forum (prefetch)
        + 1  # its resources (prefetch; their organisations: none here, so no query)
    )
    with django_assert_num_queries(expected):
        response = partner_iom.get(f"/actions/{detailed_item.pk}/")
    assert response.status_code == 200
    assert 'id="update-submit"' in response.content.decode()
    assert expected == 9
