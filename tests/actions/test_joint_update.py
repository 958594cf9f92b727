"""The printable joint update of a plan: progress per area, what changed in the chosen
period, overdue items and next steps; for every role that reads, in a fixed number of
queries."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from actions import services
from actions.models import Status
from tests.actions.conftest import section
from tests.bulk import change_action_points, create_action_points
from tests.factories import ActionPointFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def report_plan(plan, organizations, coordinator, partner_iom, today):
    """Items in A and C. C-4 moved 40 days ago and 5 days ago; A-1 was completed 3 days
    ago; A-2 is overdue; C-5 is blocked and due in 10 days; D is empty."""

    def back(days):
        return time_machine.travel(timezone.now() - datetime.timedelta(days=days), tick=False)

    area_a, area_c = plan.areas.get(code="A"), plan.areas.get(code="C")
    with back(60):
        c4 = ActionPointFactory(
            area=area_c,
            code="C-4",
            position=4,
            title="Issue joint updates",
            leads=[organizations["UNHCR"]],
            due_date=today + datetime.timedelta(days=20),
        )
        a1 = ActionPointFactory(
            area=area_a,
            code="A-1",
            position=1,
            title="Share definitions",
            leads=[organizations["IOM"]],
        )
        ActionPointFactory(
            area=area_a,
            code="A-2",
            position=2,
            title="Align maritime data",
            leads=[organizations["IOM"], organizations["UNHCR"]],
            due_date=today - datetime.timedelta(days=6),
        )
        c5 = ActionPointFactory(area=area_c, code="C-5", position=5, title="Find an INGO co-lead")
    with back(40):
        services.change_action_point(action_point=c4, by=coordinator.user, note="Long ago.")
    with back(5):
        services.change_action_point(
            action_point=c4,
            by=coordinator.user,
            status=Status.IN_PROGRESS,
            note="First update drafted.",
        )
        services.change_action_point(
            action_point=c5,
            by=coordinator.user,
            status=Status.BLOCKED,
            due_date=today + datetime.timedelta(days=10),
            note="Waiting for candidates.",
        )
    with back(3):
        services.change_action_point(
            action_point=a1,
            by=partner_iom.user,
            status=Status.DONE,
            note="Definitions shared with the PWG.",
        )
    return plan


def page(client, plan, query="") -> str:
    response = client.get(f"/plans/{plan.pk}/update/{query}")
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    # <bdi> isolates the direction of user text inline: it adds no space around it.
    html = re.sub(r"</?bdi>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_update_shows_progress_changes_overdue_and_next_steps(viewer, report_plan, today):
    html = page(viewer, report_plan)
    head = text(html.split('class="report-head"', 1)[1].split("</header>", 1)[0])
    assert "Joint update · Protection Cluster" in head
    assert f"status as of {today:%-d %B %Y}" in head
    assert "on behalf of the Protection Cluster" in head
    glance = text(section(html, "glance"))
    assert "4 action points" in glance and "25% done" in glance and "1 overdue" in glance
    assert "In this period 3 action points moved (3 journal entries): 1 completed, 0 new." in glance

    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", section(html, "per-area"), re.S)
    per_area = {text(r).split(" ")[0]: text(r) for r in rows}
    # Area, then per status (not started, in progress, blocked, done, dropped), overdue, moved.
    assert per_area["A)"].endswith("1 of 2 done (50%) 1 0 0 1 0 1 1")
    assert per_area["C)"].endswith("0 of 2 done (0%) 0 1 1 0 0 0 2")
    assert per_area["D)"].endswith("0 of 0 done (0%) 0 0 0 0 0 0 0")

    changes = text(section(html, "changes"))
    assert "Not started → In progress" in changes and "First update drafted." in changes
    assert "Definitions shared with the PWG." in changes and "Iom_partner Demo" in changes
    assert "Long ago." not in changes  # before the period

    overdue = text(section(html, "overdue"))
    assert "A-2 Align maritime data IOM, UNHCR" in overdue and " 6 " in overdue
    steps = text(section(html, "next-steps"))
    assert "C-5 Find an INGO co-lead" in steps and "Waiting for candidates." in steps
    assert "C-4 Issue joint updates UNHCR" in steps
    assert "A-2" not in steps  # overdue, listed above


def test_a_chosen_period_changes_what_changed_only(viewer, report_plan, today):
    start = (today - datetime.timedelta(days=45)).isoformat()
    end = (today - datetime.timedelta(days=30)).isoformat()
    html = page(viewer, report_plan, f"?start={start}&end={end}")
    changes = text(section(html, "changes"))
    assert "Long ago." in changes and "First update drafted." not in changes
    assert "1 overdue" in text(section(html, "glance"))  # statuses are as of today


@pytest.mark.parametrize("query", ["?start=yesterday", "?start=2025-05-10&end=2025-05-01"])
def test_a_bad_period_says_so_and_shows_the_last_30_days(viewer, report_plan, query):
    html = page(viewer, report_plan, query)
    assert "The period is not valid, so the last 30 days are shown" in html
    assert "First update drafted." in html


def test_it_is_laid_out_for_a4_paper(viewer, report_plan):
    html = page(viewer, report_plan)
    assert '<link rel="stylesheet" href="/static/css/print.css">' in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    assert "size: A4" in css
    print_rules = css.split("@media print", 1)[1]
    assert ".site-header" in print_rules and ".screen-only" in print_rules
    assert 'id="period-form" class="filters screen-only"' in html


@pytest.mark.parametrize(
    ("role", "status"),
    [("coordinator", 200), ("partner_acted", 200), ("viewer", 200), ("anonymous", 302)],
)
def test_every_reader_may_see_it(request, report_plan, role, status):
    assert (
        request.getfixturevalue(role).get(f"/plans/{report_plan.pk}/update/").status_code == status
    )


def test_an_account_without_a_role_may_not(client, django_user_model, report_plan):
    client.force_login(django_user_model.objects.create_user("stranger"))
    response = client.get(f"/plans/{report_plan.pk}/update/")
    assert response.status_code == 403
    assert "Align maritime data" not in response.content.decode()


def test_a_missing_plan_is_a_404(viewer, db):
    assert viewer.get("/plans/99999/update/").status_code == 404


def test_the_plan_page_links_to_it_and_coordinators_to_the_import(coordinator, viewer, report_plan):
    for client in (coordinator, viewer):
        html = client.get(f"/plans/{report_plan.pk}/").content.decode()
        assert f'href="/plans/{report_plan.pk}/update/"' in html
        assert ('href="/actions/import/"' in html) == (client is coordinator)


@pytest.mark.parametrize("n", [4, 40])
def test_it_runs_the_same_queries_for_4_items_as_for_40(
    coordinator, plan, organizations, django_assert_num_queries, n, today
):
    items = create_action_points(
        dict(
            area=plan.areas.get(code="ABCD"[i % 4]),
            code=f"{'ABCD'[i % 4]}-{i + 1}",
            leads=[organizations["IOM"]],
            due_date=today + datetime.timedelta(days=i - 10),
        )
        for i in range(n)
    )
    change_action_points(items, by=coordinator.user, note=[f"Note {i}" for i in range(n)])
    expected = (
        # The session; the user with its groups and person (the role; prepared by; the
        # navigation's "My items" link).
        2
        + 1  # the plan and its forum
        + 1  # its areas
        + 2  # its items, with their lead organisations
        + 1  # the period's journal, with authors and their people
        + 1  # the period's meetings, with their forum
    )
    with django_assert_num_queries(expected):
        page(coordinator, plan)


def test_items_added_in_the_period_are_listed_in_one_line(viewer, coordinator, report_plan):
    area_d = report_plan.areas.get(code="D")
    ActionPointFactory(area=area_d, code="D-1", title="Use the AAP pillars", note="Imported.")
    moved = ActionPointFactory(area=area_d, code="D-2", title="Dialogue with authorities")
    services.change_action_point(action_point=moved, by=coordinator.user, status=Status.DONE)
    changes = text(section(page(viewer, report_plan), "changes"))
    assert "Added to the plan: D-1 Use the AAP pillars." in changes
    assert "Imported." not in changes
    assert "D-2 Dialogue with authorities Done (added in this period)" in changes
