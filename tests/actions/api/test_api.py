"""The read-only JSON API: the list page's filters, pagination and permissions, by session
or token, in a fixed number of queries."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from actions.api.tokens import issue_token
from actions.models import ActionPoint, ApiToken, Status
from tests.bulk import change_action_points, create_action_points
from tests.factories import ForumFactory, UserFactory


@pytest.fixture
def items(plan, organizations, partner_iom, coordinator):
    today = timezone.localdate()
    area_c = plan.areas.get(code="C")
    (parent,) = create_action_points(
        [
            dict(
                area=area_c,
                code="C-8",
                title="Establish a PWG core group",
                status=Status.IN_PROGRESS,
                leads=[organizations["IOM"], organizations["UNHCR"]],
                focal=[partner_iom.person],
                forum=ForumFactory(acronym="PWG", name="Protection Working Group"),
                due_date=today - datetime.timedelta(days=2),
            )
        ]
    )
    create_action_points([dict(area=area_c, code="C-8.1", parent=parent, title="Service mapping")])
    change_action_points([parent], by=partner_iom.user, note="Under way.")
    create_action_points(
        dict(
            area=plan.areas.get(code="B"),
            code=f"B-{n}",
            position=n,
            status=Status.BLOCKED if n % 2 else Status.NOT_STARTED,
            leads=[organizations["ACTED"]],
        )
        for n in range(1, 6)
    )
    return ActionPoint.objects.get(pk=parent.pk)


@pytest.fixture
def no_role(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="stranger"))
    return client


def token_client(user) -> Client:
    _, key = issue_token(user=user, name="Power BI")
    return Client(headers={"Authorization": f"Bearer {key}"})


def list_page_ids(client, query: str) -> list[int]:
    html = client.get(f"/actions/?{query}").content.decode()
    return [int(pk) for pk in re.findall(r'<td class="code"><a href="/actions/(\d+)/"', html)]


# --- Reading --------------------------------------------------------------------------------

QUERIES = ["", "area=B", "status=blocked&sort=-code", "organization=iom", "overdue=1", "q=core"]


@pytest.mark.parametrize("query", QUERIES)
def test_the_list_returns_what_the_list_page_shows(coordinator, items, query):
    data = coordinator.get(f"/api/actions/?{query}").json()
    assert [r["id"] for r in data["results"]] == list_page_ids(coordinator, query)
    assert data["count"] == len(data["results"])


def test_an_item_carries_what_its_page_shows(coordinator, items):
    (row,) = coordinator.get("/api/actions/?q=C-8&area=C&status=in_progress").json()["results"]
    assert row["id"] == items.pk
    assert row["url"] == f"http://testserver/api/actions/{items.pk}/"
    assert row["html_url"].endswith(f"/actions/{items.pk}/")
    assert row["plan"] == {"id": items.plan_id, "key": "test-plan", "title": "Test action plan"}
    assert row["area"] == {"code": "C", "name": "Coordination"}
    assert (row["code"], row["parent"], row["status"], row["status_label"]) == (
        "C-8",
        None,
        "in_progress",
        "In progress",
    )
    assert row["due_date"] == items.due_date.isoformat()
    assert row["is_overdue"] is True
    assert [o["acronym"] for o in row["lead_organizations"]] == ["IOM", "UNHCR"]
    assert row["forum"] == {"acronym": "PWG", "name": "Protection Working Group"}
    assert row["focal_points"] == [
        {
            "name": "Iom_partner Demo",
            "organization": "IOM",
            "sample": False,
            "email": "iom_partner.demo@example.org",
        }
    ]
    assert row["version"] == 2
    assert datetime.datetime.fromisoformat(row["updated_at"]).utcoffset() is not None


def test_the_detail_adds_sub_items_and_the_journal(viewer, items):
    data = viewer.get(f"/api/actions/{items.pk}/").json()
    assert [s["code"] for s in data["sub_items"]] == ["C-8.1"]
    assert [(e["kind"], e["author"], e["note"]) for e in data["journal"]] == [
        ("note", "Iom_partner Demo", "Under way."),
        ("created", "", ""),
    ]


def test_pages_link_to_each_other_and_keep_the_filters(coordinator, items):
    first = coordinator.get("/api/actions/?area=B&page_size=2").json()
    assert (first["count"], first["num_pages"], first["page"], first["previous"]) == (5, 3, 1, None)
    assert first["next"] == "http://testserver/api/actions/?area=B&page_size=2&page=2"
    second = coordinator.get(first["next"]).json()
    assert second["previous"].endswith("page=1")
    codes = [r["code"] for r in first["results"] + second["results"]]
    assert codes == ["B-1", "B-2", "B-3", "B-4"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=maybe", "status"), ("due_after=31/12/2025", "due_after"), ("page=0", "page"),
     ("organization=NOPE", "organization"), ("page_size=501", "page_size"),
     ("page_size=abc", "page_size")],
)  # fmt: skip
def test_bad_parameters_are_a_400_with_the_forms_errors(coordinator, items, query, field):
    response = coordinator.get(f"/api/actions/?{query}")
    assert response.status_code == 400
    data = response.json()
    assert list(data["errors"]) == [field]
    assert data["errors"][field][0]["message"]


def test_a_page_past_the_end_is_a_404(coordinator, items):
    response = coordinator.get("/api/actions/?page=9")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no page 9: there are 1."}


def test_a_missing_item_is_a_json_404(coordinator, items):
    response = coordinator.get("/api/actions/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(coordinator, items, method):
    before = list(ActionPoint.objects.values_list("pk", "status", "version"))
    for url in ("/api/actions/", f"/api/actions/{items.pk}/"):
        response = getattr(coordinator, method)(url, {"status": "done"})
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
    assert list(ActionPoint.objects.values_list("pk", "status", "version")) == before


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "page", "api"),
    [("coordinator", 200, 200), ("partner_iom", 200, 200), ("viewer", 200, 200),
     ("no_role", 403, 403), ("anonymous", 302, 401)],
)  # fmt: skip
def test_the_api_answers_each_role_as_the_pages_do(request, items, role, page, api):
    client = request.getfixturevalue(role)
    assert client.get("/actions/").status_code == page
    assert client.get(f"/actions/{items.pk}/").status_code == page
    assert client.get("/api/actions/").status_code == api
    assert client.get(f"/api/actions/{items.pk}/").status_code == api


def test_an_anonymous_call_is_told_how_to_authenticate(anonymous, items):
    response = anonymous.get("/api/actions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="PIM Tracker"'
    assert "Authorization: Bearer" in response.json()["detail"]
    assert "C-8" not in response.content.decode()


@pytest.mark.parametrize("role", ["partner_iom", "viewer"])
def test_partners_and_viewers_get_no_staff_email(request, items, role):
    client = request.getfixturevalue(role)
    for url in ("/api/actions/", f"/api/actions/{items.pk}/"):
        text = client.get(url).content.decode()
        assert "@example.org" not in text
        assert "Iom_partner Demo" in text


def test_a_token_acts_with_its_accounts_role(items, partner_iom, coordinator):
    as_partner = token_client(partner_iom.user)
    response = as_partner.get(f"/api/actions/{items.pk}/")
    assert response.status_code == 200
    assert "email" not in response.json()["focal_points"][0]
    as_coordinator = token_client(coordinator.user)
    assert "email" in as_coordinator.get(f"/api/actions/{items.pk}/").json()["focal_points"][0]
    assert ApiToken.objects.filter(last_used_at__isnull=False).count() == 2


def test_a_token_of_an_account_without_a_role_reads_nothing(items):
    user = UserFactory(username="norole2")
    assert token_client(user).get("/api/actions/").status_code == 403


@pytest.mark.parametrize(
    "header",
    ["Bearer pim_not-a-real-token", "Token pim_x", "Bearer", "Basic dXNlcjpwYXNz", "Bearer x" * 50],
)
def test_a_wrong_token_is_refused_even_with_a_session(coordinator, items, header):
    response = coordinator.get("/api/actions/", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {"detail": "The token is not valid, or was revoked."}


def test_a_revoked_token_or_a_deactivated_account_is_refused(items, partner_iom):
    token, key = issue_token(user=partner_iom.user, name="HDX")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert client.get("/api/actions/").status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/actions/").status_code == 401
    _, key = issue_token(user=partner_iom.user, name="HDX 2")
    partner_iom.user.is_active = False
    partner_iom.user.save()
    assert (
        Client(headers={"Authorization": f"Bearer {key}"}).get("/api/actions/").status_code == 401
    )


# --- Queries --------------------------------------------------------------------------------


def rows(plan, organizations, partner_iom, n: int) -> None:
    area = plan.areas.get(code="A")
    create_action_points(
        dict(
            area=area,
            code=f"A-{i + 1}",
            position=i,
            leads=[organizations["IOM"], organizations["ACTED"]],
            focal=[partner_iom.person],
        )
        for i in range(n)
    )


@pytest.mark.parametrize("n", [3, 60])
def test_the_list_runs_the_same_queries_for_3_rows_as_for_60(
    coordinator, plan, organizations, partner_iom, django_assert_num_queries, n
):
    rows(plan, organizations, partner_iom, n)
    expected = (
        2  # the session; the user with its groups and person (role)
        # no filter choices: the API shows no form (a plan or area given reads them once)
        + 1  # the count
        + 1  # the page's rows, with plan, area, parent and forum joined
        + 1  # their lead organisations
        + 1  # their focal points, with their organisations
    )
    with django_assert_num_queries(expected):
        assert len(coordinator.get("/api/actions/?page_size=100").json()["results"]) == n


@pytest.mark.parametrize("n", [3, 60])
def test_a_token_costs_two_queries_instead_of_the_session(
    coordinator, plan, organizations, partner_iom, django_assert_num_queries, n
):
    rows(plan, organizations, partner_iom, n)
    client = token_client(coordinator.user)
    expected = (
        2  # the token with its user; noting its use
        + 1  # the user's groups and person (role)
        + 4  # count, rows, leads, focal points
    )
    with django_assert_num_queries(expected):
        assert client.get("/api/actions/?page_size=100").status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_the_detail_runs_the_same_queries_whatever_its_journal(
    coordinator, plan, organizations, partner_iom, django_assert_num_queries, n
):
    area = plan.areas.get(code="C")
    (item,) = create_action_points([dict(area=area, code="C-8")])
    create_action_points(dict(area=area, code=f"C-8.{i + 1}", parent=item) for i in range(n))
    change_action_points([item] * n, by=partner_iom.user, note=[f"Note {i}" for i in range(n)])
    expected = (
        2  # the session; the user with its groups and person (role)
        + 1  # the item, with plan, area, forum and parent joined
        + 4  # its leads, focal points, sub-items, journal with authors and their people
        + 2  # the meetings that discussed it; its resources
    )
    with django_assert_num_queries(expected):
        assert len(coordinator.get(f"/api/actions/{item.pk}/").json()["journal"]) == n + 1
