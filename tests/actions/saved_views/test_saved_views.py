"""Saved views: "My views" on the list page keeps a person's filters under a name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import SavedView
from actions.saved_views import services
from tests.actions.test_permissions import ROLES
from tests.factories import ActionPointFactory, UserFactory

QUERY = "q=&plan=&status=blocked&status=in_progress&organization=ACTED&sort=due_date&page=3"
KEPT = "status=blocked&status=in_progress&organization=ACTED&sort=due_date"


def test_saving_keeps_the_lists_filters_under_a_name(partner_iom):
    response = partner_iom.post("/actions/views/save/", {"name": "ACTED, stuck", "query": QUERY})
    assert response.status_code == 302
    assert response["Location"] == f"/actions/?{KEPT}"
    view = SavedView.objects.get(user=partner_iom.user)
    assert (view.name, view.query) == ("ACTED, stuck", KEPT)
    page = partner_iom.get(f"/actions/?{KEPT}").content.decode()
    assert f'<a href="/actions/?{KEPT.replace("&", "&amp;")}"><bdi>ACTED, stuck</bdi></a>' in page
    # The form offers the filters in view, page number left out.
    assert f'name="query" value="{KEPT.replace("&", "&amp;")}"' in page


def test_the_link_shows_the_same_items_as_the_filters(partner_iom, plan, organizations):
    area = plan.areas.get(code="B")
    ActionPointFactory(area=area, code="B-8", status="blocked", leads=[organizations["ACTED"]])
    ActionPointFactory(area=area, code="B-9", status="done", leads=[organizations["ACTED"]])
    partner_iom.post("/actions/views/save/", {"name": "stuck", "query": QUERY})
    link = f"/actions/?{SavedView.objects.get().query}"
    codes = [item.code for item in partner_iom.get(link).context["items"]]
    assert codes == ["B-8"]


def test_the_same_name_again_replaces_the_filters(partner_iom):
    partner_iom.post("/actions/views/save/", {"name": "mine", "query": "status=blocked"})
    partner_iom.post("/actions/views/save/", {"name": "mine", "query": "overdue=1"})
    assert list(SavedView.objects.values_list("name", "query")) == [("mine", "overdue=1")]


def test_unknown_parameters_are_not_kept(partner_iom):
    services.save_view(
        user=partner_iom.user, name="x", query="status=done&next=https://evil.example&plan=1"
    )
    assert SavedView.objects.get().query == "plan=1&status=done"


def test_names_are_escaped(partner_iom):
    partner_iom.post("/actions/views/save/", {"name": "<script>x</script>", "query": ""})
    page = partner_iom.get("/actions/").content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_a_nameless_view_is_refused(partner_iom):
    response = partner_iom.post("/actions/views/save/", {"name": "", "query": "status=done"})
    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_one_deletes_only_their_own_views(partner_iom, partner_acted):
    theirs = SavedView.objects.create(user=partner_acted.user, name="ACTED's", query="")
    assert partner_iom.post(f"/actions/views/{theirs.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    assert partner_acted.post(f"/actions/views/{theirs.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_one_sees_only_their_own_views(partner_iom, partner_acted):
    SavedView.objects.create(user=partner_acted.user, name="ACTED only", query="")
    assert "ACTED only" not in partner_iom.get("/actions/").content.decode()
    assert "ACTED only" in partner_acted.get("/actions/").content.decode()


def test_the_list_costs_one_query_more_with_views_however_many(coordinator):
    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.get("/actions/?status=blocked").status_code == 200
        return len(queries)

    none = cost()
    for n in range(20):
        services.save_view(user=coordinator.user, name=f"view {n}", query=f"q=x{n}")
    assert cost() == none


def test_an_account_keeps_at_most_fifty_views(db):
    user = UserFactory(username="many")
    for n in range(services.MAX_VIEWS):
        services.save_view(user=user, name=f"v{n}", query="")
    with pytest.raises(services.TooManyViews):
        services.save_view(user=user, name="one more", query="")
    services.save_view(user=user, name="v1", query="overdue=1")  # replacing is fine


# --- Matrix of roles, URLs and verbs: the two POST-only URLs ------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_saving_a_view(request, world, role):
    client = request.getfixturevalue(role)
    response = client.post("/actions/views/save/", {"name": "mine", "query": "overdue=1"})
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    elif role == "no_role":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert SavedView.objects.get().user == client.user
        return
    assert not SavedView.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_deleting_a_coordinators_view(request, world, role, coordinator):
    view = SavedView.objects.create(user=coordinator.user, name="theirs", query="")
    client = request.getfixturevalue(role)
    response = client.post(f"/actions/views/{view.pk}/delete/")
    if role == "coordinator":
        assert response.status_code == 302
        assert not SavedView.objects.exists()
        return
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == (403 if role == "no_role" else 404)
    assert SavedView.objects.filter(pk=view.pk).exists()
