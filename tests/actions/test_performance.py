"""What keeps the pages fast at scale: the same queries for 1 row as for 500, and the deep
page and the text search (trigram-indexed on PostgreSQL) returning exactly the right rows.

The rows come from the benchmark's own generator (``actions.synthetic``), plus IOM as a
lead of every third item and the IOM partner as focal point of every seventh, so that
"My items" grows with the data set too. Timings belong to ``make bench``, not here.
test_query_counts.py pins the pages at 5 and 200 rows query by query; this file adds the
sizes of the performance issue, the deep page and the search.
"""

import datetime
import math

import pytest
from django.utils import timezone

from actions.models import ActionPoint, ActionUpdate, Area, Status
from actions.synthetic import PLAN_KEY, generate_load_data

SIZES = [1, 50, 500]
PAGE_SIZE = 50  # actions.views.PAGE_SIZE

# What every signed-in page costs before its own work: the session, and the user with its
# role groups and person (the navigation's "My items" link) in one query.
SIGNED_IN = 2
# The list's filter form: plans, area codes, organisation and forum acronyms, in one query.
FILTER_CHOICES = 1
# A page of the list: its COUNT (the paginator), its rows with plan and area joined, their
# lead organisations; and the account's saved views ("My views").
LIST_PAGE = 3 + 1
# A page of search results: their rows carry their total (ranking them reads them all), so
# no COUNT.
SEARCH_PAGE = LIST_PAGE - 1


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rows(request, organizations, partner_iom) -> int:
    """``request.param`` synthetic action points, some of them the IOM partner's."""
    n = request.param
    generate_load_data(actions=n, seed=11)
    items = list(ActionPoint.objects.filter(plan__key=PLAN_KEY).order_by("pk"))
    Lead = ActionPoint.lead_organizations.through
    Focal = ActionPoint.focal_points.through
    Lead.objects.bulk_create(
        Lead(actionpoint=item, organization=organizations["IOM"]) for item in items[::3]
    )
    Focal.objects.bulk_create(
        Focal(actionpoint=item, person=partner_iom.person) for item in items[::7]
    )
    # Even a single row shows on every measured page: overdue, in progress, in area B and
    # led by IOM. (An empty page skips its row queries, which would prove nothing.)
    ActionPoint.objects.filter(pk=items[0].pk).update(
        area=Area.objects.get(plan__key=PLAN_KEY, code="B"),
        status=Status.IN_PROGRESS,
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    return n


def _report_order(items: list[ActionPoint]) -> list[ActionPoint]:
    """The list's default order, worked out in Python."""
    return sorted(items, key=lambda i: (i.plan_id, i.area.order, i.position, i.code, i.pk))


def _synthetic_items() -> list[ActionPoint]:
    return list(ActionPoint.objects.filter(plan__key=PLAN_KEY).select_related("area"))


def _codes(response) -> list[str]:
    return [item.code for item in response.context["items"]]


# --- The same number of queries whatever the number of rows ---------------------------


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_dashboard_queries_do_not_grow_with_the_rows(coordinator, rows, django_assert_num_queries):
    # Counts per area, counts per organisation, overdue items, their leads, latest journal.
    with django_assert_num_queries(SIGNED_IN + 5):
        response = coordinator.get("/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_list_queries_do_not_grow_with_the_rows(coordinator, rows, django_assert_num_queries):
    with django_assert_num_queries(SIGNED_IN + FILTER_CHOICES + LIST_PAGE):
        response = coordinator.get("/actions/")
    assert response.status_code == 200
    assert len(response.context["items"]) == min(rows, PAGE_SIZE)


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_filtered_list_queries_do_not_grow_with_the_rows(
    coordinator, rows, django_assert_num_queries
):
    # The benchmark's filtered list: area, status and lead organisation, by due date. The
    # organisation named in the filter is checked against the table: one query more.
    url = "/actions/?area=B&status=in_progress&status=blocked&organization=IOM&sort=due_date"
    with django_assert_num_queries(SIGNED_IN + FILTER_CHOICES + 1 + LIST_PAGE):
        response = coordinator.get(url)
    assert response.status_code == 200
    assert not response.context["form"].errors


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_deep_page_queries_do_not_grow_with_the_page_number(
    coordinator, rows, django_assert_num_queries
):
    last = math.ceil(rows / PAGE_SIZE)
    with django_assert_num_queries(SIGNED_IN + FILTER_CHOICES + LIST_PAGE):
        response = coordinator.get(f"/actions/?page={last}")
    assert response.status_code == 200
    assert response.context["items"]


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_search_queries_do_not_grow_with_the_rows(coordinator, rows, django_assert_num_queries):
    with django_assert_num_queries(SIGNED_IN + FILTER_CHOICES + SEARCH_PAGE):
        response = coordinator.get("/actions/?q=referral")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_my_items_queries_do_not_grow_with_the_rows(partner_iom, rows, django_assert_num_queries):
    # The items led by IOM or with the partner as focal point, then their leads.
    with django_assert_num_queries(SIGNED_IN + 2):
        response = partner_iom.get("/my/")
    assert response.status_code == 200
    assert response.context["groups"].total == len(
        {i.pk for i in ActionPoint.objects.for_person(partner_iom.person)}
    )


@pytest.mark.parametrize("rows", SIZES, indirect=True)
def test_detail_queries_do_not_grow_with_the_rows(coordinator, rows, django_assert_num_queries):
    item = ActionPoint.objects.filter(plan__key=PLAN_KEY).order_by("-pk").first()
    # The item with plan, area, forum and parent; its leads, focal points, sub-items, journal;
    # the meetings that discussed it and its resources.
    with django_assert_num_queries(SIGNED_IN + 7):
        response = coordinator.get(f"/actions/{item.pk}/")
    assert response.status_code == 200
    assert len(response.context["journal"]) == 3


# --- The deep page and the search return the right rows ---------------------------------


@pytest.mark.parametrize("rows", [500], indirect=True)
def test_deep_page_shows_the_rows_of_that_page_in_report_order(coordinator, rows):
    expected = [item.code for item in _report_order(_synthetic_items())]
    for page in (1, 7, 10):
        response = coordinator.get(f"/actions/?page={page}")
        assert _codes(response) == expected[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]


@pytest.mark.parametrize("rows", [500], indirect=True)
def test_deep_page_sorted_by_due_date_continues_where_the_previous_page_ended(coordinator, rows):
    items = _synthetic_items()
    by_due = sorted(
        items,
        key=lambda i: (i.due_date is None, i.due_date, i.plan_id, i.area.order, i.position, i.pk),
    )
    expected = [item.code for item in by_due]
    shown = []
    for page in range(1, 11):
        shown += _codes(coordinator.get(f"/actions/?sort=due_date&page={page}"))
    assert shown == expected
    latest_first = sorted(
        items, key=lambda i: (-i.due_date.toordinal(), i.plan_id, i.area.order, i.position, i.pk)
    )
    response = coordinator.get("/actions/?sort=-due_date&page=10")
    assert _codes(response) == [item.code for item in latest_first][450:500]


@pytest.mark.parametrize("rows", [500], indirect=True)
@pytest.mark.parametrize("query", ["referral pathway", "REFERRAL PATHWAY", "C-12", "c-12"])
def test_search_finds_exactly_the_items_with_the_text_in_their_texts_or_notes(
    coordinator, rows, query
):
    """Code, title, description or a journal note (actions/search.py); those with it in
    the code or title first, each group in plan order."""
    needle = query.lower()
    notes: dict[int, list[str]] = {}
    for item_id, note in ActionUpdate.objects.values_list("action_point_id", "note"):
        notes.setdefault(item_id, []).append(note)

    def has(item: ActionPoint) -> bool:
        texts = [item.code, item.title, item.description, *notes.get(item.pk, [])]
        return any(needle in text.lower() for text in texts)

    matching = _report_order([item for item in _synthetic_items() if has(item)])
    assert 0 < len(matching) <= PAGE_SIZE, "the search should fit on one page"
    in_title = [i for i in matching if needle in i.code.lower() or needle in i.title.lower()]
    expected = in_title + [i for i in matching if i not in in_title]
    response = coordinator.get("/actions/", {"q": query})
    assert _codes(response) == [item.code for item in expected]
    assert response.context["page"].paginator.count == len(matching)


@pytest.mark.parametrize("rows", [500], indirect=True)
def test_search_for_text_nowhere_finds_nothing(coordinator, rows):
    response = coordinator.get("/actions/", {"q": "no such words anywhere"})
    assert response.status_code == 200
    assert _codes(response) == []
