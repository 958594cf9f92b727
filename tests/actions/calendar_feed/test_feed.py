"""The calendar feed: exactly the person's open dated items, valid iCalendar, behind a
secret address that the settings page makes, shows and stops."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from actions.calendar_feed.services import new_feed_secret
from actions.models import CalendarFeed, Status
from tests.actions.test_permissions import ROLES
from tests.factories import ActionPointFactory, PersonFactory

DUE = datetime.date(2026, 3, 20)


@pytest.fixture
def items(plan, organizations, partner_acted):
    area = plan.areas.get(code="B")
    acted = organizations["ACTED"]
    return {
        "led": ActionPointFactory(area=area, code="B-8", due_date=DUE, leads=[acted]),
        "focal": ActionPointFactory(
            area=area,
            code="B-3",
            due_date=DUE + datetime.timedelta(days=3),
            leads=[organizations["IOM"]],
            focal=[partner_acted.person],
        ),
        "undated": ActionPointFactory(area=area, code="B-4", leads=[acted]),
        "done": ActionPointFactory(
            area=area, code="B-5", due_date=DUE, status=Status.DONE, leads=[acted]
        ),
        "dropped": ActionPointFactory(
            area=area, code="B-6", due_date=DUE, status=Status.DROPPED, leads=[acted]
        ),
        "other": ActionPointFactory(
            area=area, code="B-7", due_date=DUE, leads=[organizations["IOM"]]
        ),
    }


def feed_of(client: Client) -> Calendar:
    secret = new_feed_secret(user=client.user).secret
    response = Client().get(f"/calendar/{secret}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def summaries(calendar: Calendar) -> list[str]:
    return [str(event["SUMMARY"]).split()[0] for event in calendar.walk("VEVENT")]


def test_a_partners_feed_holds_exactly_their_open_dated_items(partner_acted, items):
    calendar = feed_of(partner_acted)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert sorted(summaries(calendar)) == ["B-3", "B-8"]
    b8 = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("B-8"))
    assert b8.decoded("DTSTART") == DUE  # all day: a date, not a time
    assert b8.decoded("DTEND") == DUE + datetime.timedelta(days=1)
    assert str(b8["UID"]) == f"action-point-{items['led'].pk}@127.0.0.1"
    assert str(b8["SUMMARY"]) == f"B-8 {items['led'].title}"
    assert str(b8["URL"]) == f"http://127.0.0.1:8000/actions/{items['led'].pk}/"
    assert "Status: Not started" in str(b8["DESCRIPTION"])
    assert "Lead organisations: ACTED" in str(b8["DESCRIPTION"])
    assert "DTSTAMP" in b8


def test_a_coordinators_feed_holds_the_whole_plans_open_dated_items(coordinator, items):
    assert sorted(summaries(feed_of(coordinator))) == ["B-3", "B-7", "B-8"]


def test_the_uid_stays_when_the_item_changes(partner_acted, items):
    from actions import services

    before = {str(e["SUMMARY"])[:3]: str(e["UID"]) for e in feed_of(partner_acted).walk("VEVENT")}
    services.change_action_point(
        action_point=items["led"], by=None, title="Renamed", due_date=DUE + datetime.timedelta(1)
    )
    after = {str(e["SUMMARY"])[:3]: str(e["UID"]) for e in feed_of(partner_acted).walk("VEVENT")}
    assert before == after


def test_the_feed_is_in_the_persons_language(partner_acted, items):
    partner_acted.person.language = "ar"
    partner_acted.person.save()
    events = feed_of(partner_acted).walk("VEVENT")
    assert "لم يبدأ" in str(events[0]["DESCRIPTION"])


def test_a_revoked_wrong_or_replaced_secret_is_404(partner_acted, items):
    old = new_feed_secret(user=partner_acted.user).secret
    new = new_feed_secret(user=partner_acted.user).secret
    assert old != new
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/calendar/{new}x.ics").status_code == 404
    assert Client().get(f"/calendar/{new}.ics").status_code == 200
    partner_acted.post("/calendar/revoke/")
    assert Client().get(f"/calendar/{new}.ics").status_code == 404


def test_the_feed_stops_when_the_person_leaves(partner_acted, items):
    secret = new_feed_secret(user=partner_acted.user).secret
    partner_acted.person.left_on = datetime.date(2026, 1, 1)
    partner_acted.person.save()
    assert Client().get(f"/calendar/{secret}.ics").status_code == 404


def test_titles_are_escaped_as_icalendar_text(partner_acted, plan, organizations):
    ActionPointFactory(
        area=plan.areas.get(code="A"),
        code="A-9",
        title="Map, list; and <b>share</b>\\",
        due_date=DUE,
        leads=[organizations["ACTED"]],
    )
    event = feed_of(partner_acted).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "A-9 Map, list; and <b>share</b>\\"


def test_the_feed_costs_the_same_queries_however_many_items(
    partner_acted, plan, organizations, items
):
    secret = new_feed_secret(user=partner_acted.user).secret

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(f"/calendar/{secret}.ics").status_code == 200
        return len(queries)

    # The feed with its account and person, the role, the items, their leads, focal points.
    assert cost() == 5
    for n in range(15):
        extra = PersonFactory(organization=organizations["ACTED"])
        ActionPointFactory(
            area=plan.areas.get(code="C"),
            code=f"C-{n + 20}",
            due_date=DUE,
            leads=[organizations["ACTED"], organizations["IOM"]],
            focal=[extra, partner_acted.person],
        )
    assert cost() == 5


def test_the_settings_page_makes_shows_and_stops_the_address(partner_acted):
    page = partner_acted.get("/settings/").content.decode()
    assert 'id="calendar-new"' in page and "calendar-url" not in page
    response = partner_acted.post("/calendar/new/")
    assert response.status_code == 302
    secret = CalendarFeed.objects.get(user=partner_acted.user).secret
    page = partner_acted.get("/settings/").content.decode()
    assert f"http://127.0.0.1:8000/calendar/{secret}.ics" in page
    partner_acted.post("/calendar/revoke/")
    assert not CalendarFeed.objects.exists()


# --- Matrix of roles, URLs and verbs for the feed's URLs --------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_feed_needs_only_a_valid_secret(request, world, role, partner_iom):
    client = request.getfixturevalue(role)
    secret = new_feed_secret(user=partner_iom.user).secret
    assert client.get(f"/calendar/{secret}.ics").status_code == 200
    assert client.get(f"/calendar/{secret[:-1]}.ics").status_code == 404
    assert client.post(f"/calendar/{secret}.ics").status_code == 405


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/calendar/new/", "/calendar/revoke/"])
def test_making_and_stopping_an_address(request, world, role, path):
    client = request.getfixturevalue(role)
    get = client.get(path)
    if role == "anonymous":
        assert get["Location"].startswith("/accounts/login/")
        assert client.post(path)["Location"].startswith("/accounts/login/")
        assert not CalendarFeed.objects.exists()
        return
    assert get["Location"] == "/settings/#settings-calendar"
    assert not CalendarFeed.objects.exists()  # a GET changes nothing
    response = client.post(path)
    if role == "no_role":
        assert response.status_code == 403
        assert not CalendarFeed.objects.exists()
        return
    assert response.status_code == 302
    assert CalendarFeed.objects.filter(user=client.user).exists() == (path == "/calendar/new/")
