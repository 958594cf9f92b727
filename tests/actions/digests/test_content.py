"""What a digest says and who gets one, on fixed data with time frozen (scenario.py)."""

import datetime
import html
import re

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from actions.digests import delivery, email, recipients, weeks
from actions.digests.content import build_digest
from actions.digests.email import compose
from actions.digests.snapshot import Snapshot
from actions.digests.weeks import parse_week
from actions.models import ActionPoint, DigestDelivery, DigestKind
from participants.models import Membership
from tests.actions.digests import scenario as s
from tests.factories import ActionPointFactory, MembershipFactory, PersonFactory


@pytest.fixture
def scenario(plan, organizations, coordinator):
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    with s.at(2024, 3, 11, 7, 0):
        yield data


def composed(person, kind):
    snapshot = Snapshot.load(period=s.PERIOD, people=[person.pk])
    return compose(person=person, kind=kind, period=s.PERIOD, snapshot=snapshot)


# --- Weeks --------------------------------------------------------------------------------
def test_week_is_parsed_to_its_monday_and_nonsense_is_refused():
    assert parse_week("2024-W11") == datetime.date(2024, 3, 11)
    assert parse_week("2020-W53") == datetime.date(2020, 12, 28)
    for bad in ("2024-11", "2024-W1", "2023-W53", "next week", ""):
        with pytest.raises(ValueError):
            parse_week(bad)


def test_current_week_is_taken_in_site_time(scenario):
    # Sunday 23:30 UTC is already Monday 01:30 in Tripoli.
    sunday_night_utc = datetime.datetime(2024, 3, 10, 23, 30, tzinfo=datetime.UTC)
    assert weeks.current_period(sunday_night_utc) == datetime.date(2024, 3, 11)


# --- Recipients ---------------------------------------------------------------------------
def test_recipients_are_the_core_group_and_focal_points_of_open_items(scenario):
    got = {(r.person.full_name, r.kind) for r in recipients.recipients()}
    assert got == {
        ("Coordinator Demo", DigestKind.CORE_GROUP),
        ("Dana Core", DigestKind.CORE_GROUP),
        ("Ivo Focal", DigestKind.PARTNER),
        ("Nora Noemail", DigestKind.PARTNER),
    }


def test_departed_staff_former_members_and_plain_members_get_nothing(scenario):
    names = {r.person.full_name for r in recipients.recipients()}
    # Lea left her post, Olga's core membership ended, Mo is a plain member, Gus is
    # inactive though focal point of an open item, Ada's only item is done.
    assert names.isdisjoint({"Lea Left", "Olga Former", "Mo Member", "Gus Gone", "Ada Done"})


def test_someone_in_the_core_group_and_focal_point_gets_one_digest_the_core_groups(scenario):
    assert scenario.items["A-2"].focal_points.filter(pk=scenario.dana.pk).exists()
    kinds = [r.kind for r in recipients.recipients() if r.person == scenario.dana]
    assert kinds == [DigestKind.CORE_GROUP]


def test_the_database_refuses_a_second_digest_for_the_same_person_and_week(scenario):
    DigestDelivery.objects.create(person=scenario.dana, kind=DigestKind.CORE_GROUP, period=s.PERIOD)
    with pytest.raises(IntegrityError):
        DigestDelivery.objects.create(
            person=scenario.dana, kind=DigestKind.PARTNER, period=s.PERIOD
        )


def test_a_week_prepared_again_keeps_each_persons_kind(scenario):
    delivery.prepare_week(s.PERIOD)
    # Ivo joins the core group after the week's rows were made: still one, partner, digest.
    MembershipFactory(person=scenario.ivo, role=Membership.Role.CORE)
    delivery.prepare_week(s.PERIOD)
    rows = DigestDelivery.objects.filter(person=scenario.ivo, period=s.PERIOD)
    assert [r.kind for r in rows] == [DigestKind.PARTNER]


# --- Content ------------------------------------------------------------------------------
def test_core_group_digest_on_fixed_data(scenario):
    mail = composed(scenario.coordinator, DigestKind.CORE_GROUP)
    text = mail.text
    # The counts first: what needs doing leads.
    assert mail.subject == "1 overdue · 1 due soon — Test action plan"
    assert "Hello Coordinator," in text
    # Overdue, then due soon, then what changed, then progress.
    order = ["\nOverdue\n", "\nDue in the next 14 days\n", "\nWhat changed since", "\nProgress"]
    assert [text.index(heading) for heading in order] == sorted(text.index(h) for h in order)
    # Changes since the coordinator's previous digest (made 8 Mar 12:00): B-2 only.
    changes = text.split("What changed since 8 Mar 2024, 12:00\n")[1].split("\n\n")[0]
    assert changes.splitlines()[0] == (
        "- B-2 Information sharing protocol (Blocked): 1 change; last: status Not started → "
        "Blocked (Coordinator Demo, 9 Mar 16:45)"
    )
    assert '"Waiting for the IMWG."' in changes
    assert "A-1" not in changes and "B-1" not in changes
    # Overdue with owners and days overdue.
    overdue = text.split("\nOverdue\n")[1].split("\n\n")[0]
    assert overdue.splitlines()[0] == (
        f"- A-1 {s.A1_TITLE} (In progress; lead: IOM; focal points: Ivo Focal) "
        "due 1 Mar 2024, 10 days overdue"
    )
    # Due in the next 14 days; the coordinator's own (UNHCR) item is marked.
    due = text.split("\nDue in the next 14 days\n")[1].split("\n\n")[0]
    assert due.splitlines()[0] == (
        "- A-2 Service mapping [yours] (Not started; lead: UNHCR; focal points: Dana Core) "
        "due 20 Mar 2024, in 9 days"
    )
    assert "C-1" not in due  # due 30 April
    progress = text.split("\nProgress per area\n")[1].split("\n\n")[0].splitlines()
    assert progress == [
        "A) Harmonization: 0/2 done (0%), 1 in progress, 1 not started, 0 blocked, 1 overdue",
        "B) Data sharing: 1/2 done (50%), 0 in progress, 0 not started, 1 blocked, 0 overdue",
        "C) Coordination: 0/1 done (0%), 0 in progress, 1 not started, 0 blocked, 0 overdue",
        "D) AAP: 0/0 done (0%), 0 in progress, 0 not started, 0 blocked, 0 overdue, 1 dropped",
    ]


def test_partner_digest_shows_only_their_own_items(scenario):
    mail = composed(scenario.ivo, DigestKind.PARTNER)
    text = mail.text
    assert mail.subject == "1 overdue — Test action plan"
    # First digest: the last seven days.
    changes = text.split("What changed since 4 Mar 2024, 07:00\n")[1].split("\n\n")[0]
    assert changes.startswith(
        f"- A-1 {s.A1_TITLE} (In progress): 1 change; last: status Not started → In progress"
    )
    assert "10 days overdue" in text
    for other in ("A-2", "B-1", "B-2", "C-1", "D-1"):
        assert f"- {other} " not in text
    assert "A) Harmonization: 0/1 done" in text
    assert "B) Data sharing" not in text


def test_partner_digest_lists_open_items_without_a_near_due_date(scenario):
    nora = scenario.nora
    nora.email = "nora@example.org"
    mail = composed(nora, DigestKind.PARTNER)
    others = mail.text.split("\nYour other open items\n")[1].split("\n\n")[0]
    # B-2 is led by Nora's organisation (DRC); she is focal point of C-1 (due 30 April)
    # with Gus, who left: staff turnover shows.
    assert [line for line in others.splitlines() if line.startswith("- ")] == [
        "- B-2 Information sharing protocol (Blocked; lead: DRC) no due date",
        "- C-1 Core group terms of reference (Not started; focal points: Gus Gone (left), "
        "Nora Noemail) due 30 Apr 2024, in 50 days",
    ]


def test_many_items_added_at_once_are_one_line_and_a_few_are_listed(scenario, plan):
    area = plan.areas.get(code="C")
    for n in (2, 3):
        ActionPointFactory(area=area, code=f"C-{n}", title=f"New item {n}")
    text = composed(scenario.dana, DigestKind.CORE_GROUP).text
    assert (
        "- C-2 New item 2 (Not started): 1 change; last: added to the plan (PIM Tracker, "
        "11 Mar 07:00)" in text
    )
    for n in (4, 5, 6):
        ActionPointFactory(area=area, code=f"C-{n}", title=f"New item {n}")
    text = composed(scenario.dana, DigestKind.CORE_GROUP).text
    assert "added to the plan (PIM Tracker" not in text
    assert "- 5 action points added to the plan: C-2, C-3, C-4, C-5, C-6" in text
    assert "- B-2 Information sharing protocol (Blocked): 1 change; last: status Not" in text


def test_a_long_list_of_changes_is_cut_with_a_pointer_to_the_site(scenario, monkeypatch, plan):
    monkeypatch.setattr("actions.digests.content.DIGEST_LIST_LIMIT", 1)
    text = composed(scenario.dana, DigestKind.CORE_GROUP).text
    heading = "What changed since 4 Mar 2024, 07:00: 2 items — the 1 latest below\n"
    changes = text.split(heading)[1].split("\n\n")[0]
    assert changes.startswith("- B-2 ")
    assert "A-1" not in changes
    assert changes.endswith(
        "And 1 more changed item on the site: "
        f"http://127.0.0.1:8000/actions/?plan={plan.pk}&sort=-updated_at"
    )


def test_a_partner_with_nothing_open_and_nothing_changed_has_no_news(scenario):
    snapshot = Snapshot.load(period=s.PERIOD, people=[scenario.ada.pk])
    digest = build_digest(
        person=scenario.ada, kind=DigestKind.PARTNER, period=s.PERIOD, snapshot=snapshot
    )
    # Ada's only item (B-1) was done on 1 March, before her seven-day window.
    assert not digest.has_news


def test_changes_window_is_capped_after_a_long_pause(scenario):
    DigestDelivery.objects.create(
        person=scenario.dana,
        kind=DigestKind.CORE_GROUP,
        period=datetime.date(2023, 10, 2),
        status=DigestDelivery.State.SENT,
        created_at=datetime.datetime(2023, 10, 2, 7, tzinfo=s.TRIPOLI),
    )
    snapshot = Snapshot.load(period=s.PERIOD, people=[scenario.dana.pk])
    assert snapshot.since_for(scenario.dana.pk) == datetime.datetime(
        2024, 2, 12, 7, tzinfo=s.TRIPOLI
    )


def test_text_has_no_html_entities_and_html_is_escaped(scenario):
    mail = composed(scenario.ivo, DigestKind.PARTNER)
    assert s.A1_TITLE in mail.text and s.A1_NOTE in mail.text
    assert not re.search(r"&(amp|lt|gt|quot|#\d+);", mail.text)
    assert html.escape(s.A1_TITLE) in mail.html
    assert "<b>partners</b>" not in mail.html
    assert "&lt;b&gt;partners&lt;/b&gt; &amp; co." in mail.html


def test_html_is_light_and_links_are_absolute(scenario, settings):
    settings.SITE_URL = "https://pim.example.org"
    mail = composed(scenario.coordinator, DigestKind.CORE_GROUP)
    assert "<img" not in mail.html and "<script" not in mail.html
    assert "<link" not in mail.html
    hrefs = re.findall(r'href="([^"]+)"', mail.html)
    assert hrefs and all(h.startswith("https://pim.example.org/") for h in hrefs)
    item = scenario.items["A-1"]
    assert f"https://pim.example.org/actions/{item.pk}/" in mail.text
    assert "https://pim.example.org/settings/notifications/" in mail.text


def test_email_is_multipart_alternative_with_one_click_unsubscribe(scenario):
    message = composed(scenario.ivo, DigestKind.PARTNER).message().message()
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.get_payload()] == ["text/plain", "text/html"]
    assert message["To"] == "Ivo Focal <ivo.focal@example.org>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://127\.0\.0\.1:8000/digests/unsubscribe/[^/>]+/>", message["List-Unsubscribe"]
    )
    assert message["Auto-Submitted"] == "auto-generated"


def test_message_id_is_stable_for_a_person_and_week(scenario):
    first = composed(scenario.ivo, DigestKind.PARTNER).headers["Message-ID"]
    assert first == composed(scenario.ivo, DigestKind.PARTNER).headers["Message-ID"]
    assert first == email.message_id(scenario.ivo.pk, s.PERIOD)
    assert first != email.message_id(scenario.ivo.pk, s.PERIOD + datetime.timedelta(7))
    assert first != email.message_id(scenario.dana.pk, s.PERIOD)


def test_digest_follows_the_persons_language_and_direction(scenario):
    scenario.ivo.language = "ar"
    mail = composed(scenario.ivo, DigestKind.PARTNER)
    assert '<html lang="ar" dir="rtl">' in mail.html


def test_times_are_shown_in_site_time(scenario, settings):
    # The journal entry is stored in UTC (08:30); the digest says 10:30, Tripoli time.
    mail = composed(scenario.ivo, DigestKind.PARTNER)
    assert "(Coordinator Demo, 8 Mar 10:30)" in mail.text


# --- Loading --------------------------------------------------------------------------------
def test_own_items_agree_with_for_person(scenario):
    snapshot = Snapshot.load(period=s.PERIOD, people=[])
    for person in (scenario.coordinator, scenario.dana, scenario.ivo, scenario.nora):
        expected = set(ActionPoint.objects.for_person(person).values_list("pk", flat=True))
        got = snapshot.own_items(person)
        assert got == expected, person


def test_a_snapshot_for_partners_only_reads_their_items_and_gives_the_same_digests(scenario):
    partners = [scenario.ivo, scenario.ada]
    whole = Snapshot.load(period=s.PERIOD, people=[p.pk for p in partners])
    own = Snapshot.load(period=s.PERIOD, people=[p.pk for p in partners], whole_plan=False)
    theirs = set()
    for person in partners:
        theirs |= set(ActionPoint.objects.for_person(person).values_list("pk", flat=True))
    assert set(own.items) == theirs
    assert len(own.items) < len(whole.items)
    assert {e.action_point_id for e in own.entries} <= set(own.items)
    for person in partners:
        expected = compose(person=person, kind=DigestKind.PARTNER, period=s.PERIOD, snapshot=whole)
        got = compose(person=person, kind=DigestKind.PARTNER, period=s.PERIOD, snapshot=own)
        assert (got.subject, got.text, got.html) == (expected.subject, expected.text, expected.html)


@pytest.mark.parametrize("whole_plan", [True, False])
def test_loading_and_building_costs_the_same_queries_whatever_the_size(scenario, plan, whole_plan):
    def cost():
        people = [r.person for r in recipients.recipients()]
        with CaptureQueriesContext(connection) as queries:
            snapshot = Snapshot.load(
                period=s.PERIOD, people=[p.pk for p in people], whole_plan=whole_plan
            )
            for person in people:
                compose(person=person, kind=DigestKind.PARTNER, period=s.PERIOD, snapshot=snapshot)
        return len(queries)

    # 1 previous digests, 1 items with plan and area, 2 leads and focal points, 1 journal,
    # 1 whether update links are on.
    assert cost() == 6
    area = plan.areas.get(code="C")
    for n in range(10):
        extra = PersonFactory()
        ActionPointFactory(area=area, code=f"C-{n + 10}", leads=[extra.organization], focal=[extra])
    assert cost() == 6


def test_an_arabic_readers_digest_is_written_in_arabic(scenario):
    scenario.ivo.language = "ar"
    mail = composed(scenario.ivo, DigestKind.PARTNER)
    assert mail.subject.startswith("1 متأخرة — ")
    # The week code is isolated left to right, or Arabic mail clients show W11-2024.
    assert "\u20662024-W11\u2069" in mail.text
    assert '<bdi dir="ltr">2024-W11</bdi>' in mail.html
    for body in (mail.text, mail.html):
        assert "إليك نقاط العمل الخاصة بك" in body
        assert "Here are your action points" not in body
        # What changed since the last digest, with the Arabic comma.
        assert "ما تغيّر منذ 4 مارس 2024، 07:00" in body
