"""One rule for each of "% done", open, overdue and due soon, and the same figure on every
page and e-mail that shows it."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from actions import progress
from actions.digests.email import compose
from actions.digests.snapshot import Snapshot
from actions.digests.weeks import current_period
from actions.models import ActionPoint, DigestKind, Status
from tests.factories import ActionPointFactory


@pytest.mark.parametrize(
    ("done", "total", "dropped", "expected"),
    [(5, 10, 2, 63), (1, 3, 0, 33), (2, 3, 0, 67), (0, 0, 0, 0), (0, 2, 2, 0), (3, 5, 2, 100)],
)
def test_percent_done_counts_every_item_but_the_dropped_ones(done, total, dropped, expected):
    assert progress.percent_done(done=done, total=total, dropped=dropped) == expected


@pytest.fixture
def dated_items(plan):
    """One item of each status at each due date around today and the end of "due soon"."""
    today = timezone.localdate()
    days = [-1, 0, 1, progress.DUE_SOON_DAYS, progress.DUE_SOON_DAYS + 1, None]
    area = plan.areas.get(code="A")
    for status in Status:
        for n, offset in enumerate(days):
            due = None if offset is None else today + datetime.timedelta(days=offset)
            ActionPointFactory(area=area, code=f"A-{status}-{n}", status=status, due_date=due)
    return today


def test_the_queries_and_the_python_rules_agree_on_every_item(dated_items):
    today = dated_items
    items = list(ActionPoint.objects.all())
    assert len(items) == 30

    def codes(predicate):
        return {i.code for i in items if predicate(i)}

    objects = ActionPoint.objects
    assert set(objects.open().values_list("code", flat=True)) == codes(lambda i: i.is_open)
    assert set(objects.overdue(today).values_list("code", flat=True)) == codes(
        lambda i: i.is_overdue
    )
    assert set(objects.due_soon(today).values_list("code", flat=True)) == codes(
        lambda i: progress.is_due_soon(i.status, i.due_date, today)
    )
    # Open: not started, in progress, blocked; overdue from yesterday back; due soon from
    # today to the fourteenth day ahead, both ends included.
    assert len(codes(lambda i: i.is_open)) == 18
    assert codes(lambda i: i.is_overdue) == {f"A-{s}-0" for s in progress.OPEN_STATUSES}
    assert objects.due_soon(today).count() == 3 * len(progress.OPEN_STATUSES)


@pytest.fixture
def five_of_ten_done_two_dropped(plan, organizations):
    """Area A: 5 done, 2 dropped, 3 open, all led by IOM: 5 of the 8 that count, 63 %."""
    area = plan.areas.get(code="A")
    statuses = [Status.DONE] * 5 + [Status.DROPPED] * 2 + [Status.IN_PROGRESS] * 3
    for n, status in enumerate(statuses, start=1):
        ActionPointFactory(area=area, code=f"A-{n}", status=status, leads=[organizations["IOM"]])
    return plan


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_the_same_percent_done_on_every_surface(five_of_ten_done_two_dropped, coordinator):
    plan = five_of_ten_done_two_dropped
    caption = "5 of 8 done (63%)"
    pages = {
        "dashboard": reverse("home"),
        "plan page": reverse("plan_detail", args=[plan.pk]),
        "organisation page": reverse("organization_detail", args=["IOM"]),
        "organisation list": reverse("organization_list"),
        "joint update": reverse("joint_update", args=[plan.pk]),
    }
    for name, url in pages.items():
        assert caption in _text(coordinator.get(url)), name
    assert "50%" not in _text(coordinator.get(pages["joint update"]))

    period = current_period()
    person = coordinator.person
    mail = compose(
        person=person,
        kind=DigestKind.CORE_GROUP,
        period=period,
        snapshot=Snapshot.load(period=period, people=[person.pk]),
    )
    assert "A) Harmonization: 5/8 done (63%)" in mail.text
    assert "5/8 (63%)" in html.unescape(mail.html)


def test_status_labels_are_in_the_language_of_the_page_each_time():
    # Translated once per language and then kept: each language must keep its own words.
    with translation.override("en"):
        assert progress.status_labels()["not_started"] == "Not started"
    with translation.override("ar"):
        assert progress.status_labels()["not_started"] == "لم يبدأ"
        assert progress.StatusCounts(by_status={"not_started": 2}).summary.startswith("لم يبدأ: 2")
    with translation.override("en"):
        assert progress.status_labels()["not_started"] == "Not started"
