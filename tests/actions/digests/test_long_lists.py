"""Long lists in a digest: the first DIGEST_LIST_LIMIT rows, the total, a link to the rest.

On the fixed scenario (scenario.py, Monday 11 March 2024) plus, added that morning at
06:00 and changed at 06:30 (a big import, then a round of updates):

- 53 items of area A led by IOM, overdue by 11 to 63 days: with A-1 (10 days), 54 overdue;
- 52 items of area B due in the next 14 days: with A-2 (20 March), 53 due soon;
- the 53 overdue ones changed status at 06:30: with B-2 (and A-1 for a first digest), more
  changes than the limit; and 105 items added at once.
"""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.digests import content, recipients
from actions.digests.content import DIGEST_LIST_LIMIT
from actions.digests.email import compose
from actions.digests.snapshot import Snapshot
from actions.models import ActionPoint, DigestKind, Status
from tests.actions.digests import scenario as s
from tests.bulk import change_action_points, create_action_points

SITE = "http://127.0.0.1:8000"  # SITE_URL in the test settings
OVERDUE = 54
DUE_SOON = 53


@pytest.fixture
def scenario(plan, organizations, coordinator):
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    areas = {area.code: area for area in plan.areas.all()}
    with s.at(2024, 3, 11, 6, 0):
        data.late = create_action_points(
            dict(
                area=areas["A"],
                code=f"A-{100 + n}",
                title=f"Late <item> {n} & co",
                position=100 + n,
                due_date=datetime.date(2024, 2, 29) - datetime.timedelta(days=n),
                leads=[organizations["IOM"]],
            )
            for n in range(OVERDUE - 1)
        )
        data.soon = create_action_points(
            dict(
                area=areas["B"],
                code=f"B-{100 + n}",
                title=f"Soon item {n}",
                position=100 + n,
                # Several items on each day: the tie is broken by plan order, as on the list.
                due_date=datetime.date(2024, 3, 11) + datetime.timedelta(days=n % 14),
            )
            for n in range(DUE_SOON - 1)
        )
    with s.at(2024, 3, 11, 6, 30):
        change_action_points(data.late, by=coordinator.user, status=Status.IN_PROGRESS)
    with s.at(2024, 3, 11, 7, 0):
        yield data


def composed(person, kind):
    snapshot = Snapshot.load(period=s.PERIOD, people=[person.pk])
    return compose(person=person, kind=kind, period=s.PERIOD, snapshot=snapshot)


def block(text: str, heading: str) -> list[str]:
    """The lines under a heading of the plain-text part, up to the next blank line."""
    return text.split(f"\n{heading}\n")[1].split("\n\n")[0].splitlines()


def codes(lines: list[str]) -> list[str]:
    return [line.split()[1] for line in lines if line.startswith("- ")]


def in_due_date_order(items: list[ActionPoint]) -> list[str]:
    """The digest's and the list's order: due date, then plan order."""
    ordered = sorted(items, key=lambda i: (i.due_date, i.area.order, i.position, i.code))
    return [i.code for i in ordered]


def list_page(client, url: str, page: int = 1):
    """The action point list a link of the e-mail opens, as the signed-in client sees it."""
    assert url.startswith(SITE + "/")
    response = client.get(url.removeprefix(SITE) + (f"&page={page}" if page > 1 else ""))
    assert response.status_code == 200
    return response


def test_core_digest_lists_the_most_overdue_says_how_many_and_links_to_the_rest(
    scenario, plan, coordinator
):
    text = composed(scenario.dana, DigestKind.CORE_GROUP).text
    lines = block(text, "Overdue: 54 items — the 50 most overdue below")
    every_overdue = in_due_date_order([*scenario.late, scenario.items["A-1"]])
    assert codes(lines) == every_overdue[:DIGEST_LIST_LIMIT]
    assert lines[0].endswith("due 8 Jan 2024, 63 days overdue")
    url = f"{SITE}/actions/?plan={plan.pk}&overdue=1&sort=due_date"
    assert lines[-1] == f"And 4 more overdue items on the site: {url}"

    # The link opens the list of every overdue item, in the same order: the digest's fifty
    # first, then the four it left out.
    first = list_page(coordinator, url)
    assert first.context["page"].paginator.count == OVERDUE
    assert [i.code for i in first.context["items"]] == codes(lines)
    rest = list_page(coordinator, url, page=2)
    assert [i.code for i in rest.context["items"]] == every_overdue[DIGEST_LIST_LIMIT:]


def test_core_digest_lists_the_first_items_due_soon_with_a_link_to_all_of_them(
    scenario, plan, coordinator
):
    text = composed(scenario.dana, DigestKind.CORE_GROUP).text
    lines = block(text, "Due in the next 14 days: 53 items — the 50 due first below")
    every_due_soon = in_due_date_order([*scenario.soon, scenario.items["A-2"]])
    assert codes(lines) == every_due_soon[:DIGEST_LIST_LIMIT]
    url = (
        f"{SITE}/actions/?plan={plan.pk}&status=not_started&status=in_progress&status=blocked"
        "&due_after=2024-03-11&due_before=2024-03-25&sort=due_date"
    )
    assert lines[-1] == f"And 3 more items due soon on the site: {url}"
    first = list_page(coordinator, url)
    assert first.context["page"].paginator.count == DUE_SOON
    assert [i.code for i in first.context["items"]] == codes(lines)
    rest = list_page(coordinator, url, page=2)
    assert [i.code for i in rest.context["items"]] == every_due_soon[DIGEST_LIST_LIMIT:]


def test_core_digest_html_shows_the_same_cut_with_an_escaped_absolute_link(scenario, plan):
    mail = composed(scenario.dana, DigestKind.CORE_GROUP)
    overdue = mail.html.split("<h3>Overdue: 54 items — the 50 most overdue below</h3>")[1]
    overdue = overdue.split("<h3>")[0]
    rows = re.findall(r"<tr><td><a href=\"[^\"]+\">([^<]+)</a>", overdue)
    assert rows == codes(block(mail.text, "Overdue: 54 items — the 50 most overdue below"))
    link = f"{SITE}/actions/?plan={plan.pk}&overdue=1&sort=due_date"
    assert (
        f'<p><a href="{html.escape(link)}">And 4 more overdue items on the site</a></p>' in overdue
    )
    assert "Late &lt;item&gt; 52 &amp; co" in overdue and "<item>" not in mail.html
    due_soon = mail.html.split("<h3>Due in the next 14 days: 53 items — the 50 due first")[1]
    assert len(re.findall(r"<tr><td>", due_soon.split("<h3>")[0])) == DIGEST_LIST_LIMIT
    # The plain-text part is not HTML: its links and titles are not escaped.
    assert f"And 4 more overdue items on the site: {link}" in mail.text
    assert "Late <item> 52 & co" in mail.text


def test_core_digest_counts_every_item_in_the_progress_per_area(scenario):
    text = composed(scenario.dana, DigestKind.CORE_GROUP).text
    progress = block(text, "Progress per area")
    assert progress[0] == (
        "A) Harmonization: 0/55 done (0%), 54 in progress, 1 not started, 0 blocked, 54 overdue"
    )
    assert progress[1].startswith("B) Data sharing: 1/54 done (2%), 0 in progress, 52 not")


def test_what_changed_is_cut_at_the_latest_and_links_to_the_latest_updates(
    scenario, plan, coordinator
):
    text = composed(scenario.coordinator, DigestKind.CORE_GROUP).text
    # Since the coordinator's previous digest (8 Mar 12:00): 53 items changed and B-2.
    heading = "What changed since 8 Mar 2024, 12:00: 54 items — the 50 latest below"
    lines = block(text, heading)
    changed = [line for line in lines if line.startswith("- ") and "added to the" not in line]
    assert len(changed) == DIGEST_LIST_LIMIT
    assert all("last: status Not started → In progress" in line for line in changed)
    url = f"{SITE}/actions/?plan={plan.pk}&sort=-updated_at"
    # 105 items added at once: their codes on one line, cut too.
    added = next(line for line in lines if "action points added to the plan" in line)
    listed = added.split("added to the plan: ")[1].split(" and 55 more")[0].split(", ")
    assert len(listed) == DIGEST_LIST_LIMIT
    assert added.startswith("- 105 action points added to the plan: A-100, A-101, ")
    assert added.endswith(f" and 55 more: {url}")
    assert lines[-1] == f"And 4 more changed items on the site: {url}"
    # The list sorted by last update starts with what moved last.
    latest = list_page(coordinator, url).context["items"]
    assert len(latest) == 50 and {i.code for i in latest} <= {i.code for i in scenario.late}


def test_partner_digest_is_cut_too_and_points_to_my_items(scenario):
    # Ivo (IOM) is focal point of A-1; IOM leads A-1 and the 53 late items.
    mail = composed(scenario.ivo, DigestKind.PARTNER)
    lines = block(mail.text, "Overdue: 54 items — the 50 most overdue below")
    every_overdue = in_due_date_order([*scenario.late, scenario.items["A-1"]])
    assert codes(lines) == every_overdue[:DIGEST_LIST_LIMIT]
    assert lines[-1] == f"And 4 more overdue items on the site: {SITE}/my/#overdue"
    assert f'<a href="{SITE}/my/#overdue">And 4 more overdue items on the site</a>' in mail.html
    heading = "What changed since 4 Mar 2024, 07:00: 54 items — the 50 latest below"
    assert block(mail.text, heading)[-1] == f"And 4 more changed items on the site: {SITE}/my/"
    assert "Soon item" not in mail.text  # not Ivo's


def test_a_partners_other_open_items_are_cut_in_plan_order(scenario, plan, organizations):
    area = plan.areas.get(code="C")
    create_action_points(
        dict(area=area, code=f"C-{100 + n}", leads=[organizations["ACTED"]]) for n in range(52)
    )
    text = composed(scenario.ada, DigestKind.PARTNER).text
    lines = block(text, "Your other open items: 52 — the first 50 below")
    assert codes(lines) == [f"C-{100 + n}" for n in range(50)]
    assert lines[-1] == f"And 2 more other open items on the site: {SITE}/my/#open"


def test_the_links_of_a_partner_digest_open_their_groups_on_my_items(scenario, partner_iom):
    mail = composed(scenario.ivo, DigestKind.PARTNER)
    anchors = set(re.findall(rf"{re.escape(SITE)}/my/#([\w-]+)", mail.text + mail.html))
    assert anchors  # Ivo's long lists link on
    own = content._own_links()  # and where the other lists would
    anchors |= {link.partition("#")[2] for link in (own.overdue, own.due_soon, own.other_open)}
    response = partner_iom.get(reverse("my_items"))
    assert response.status_code == 200
    page = response.content.decode()
    for anchor in anchors:
        assert f'id="{anchor}"' in page, anchor


def test_short_lists_are_whole_and_say_nothing_more(scenario):
    text = composed(scenario.ada, DigestKind.PARTNER).text  # ACTED: B-1 only, done
    assert not re.search(r"And [\d,]+ more", text)
    text = composed(scenario.dana, DigestKind.CORE_GROUP).text
    assert "\nOverdue:" in text and "\nOverdue\n" not in text


def test_preview_shows_the_cut_digest(scenario, coordinator):
    url = f"{reverse('digest_preview')}?person={scenario.dana.pk}&week={s.WEEK}"
    response = coordinator.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Overdue: 54 items — the 50 most overdue below" in page
    framed = coordinator.get(
        reverse("digest_preview_html") + f"?person={scenario.dana.pk}&week={s.WEEK}"
    )
    assert "<h3>Overdue: 54 items — the 50 most overdue below</h3>" in framed.content.decode()


def test_core_group_digests_cost_no_query_after_loading(scenario):
    people = [r.person for r in recipients.recipients()]
    snapshot = Snapshot.load(period=s.PERIOD, people=[p.pk for p in people])
    with CaptureQueriesContext(connection) as queries:
        for person in people:
            compose(person=person, kind=DigestKind.CORE_GROUP, period=s.PERIOD, snapshot=snapshot)
    assert len(queries) == 0


def without_update_links(lines: list[str]) -> list[str]:
    return [line for line in lines if "Update it without signing in" not in line]


def test_core_group_digests_of_one_run_say_the_same_but_mark_their_own_items(scenario):
    snapshot = Snapshot.load(period=s.PERIOD, people=[scenario.coordinator.pk, scenario.dana.pk])
    dana = compose(
        person=scenario.dana, kind=DigestKind.CORE_GROUP, period=s.PERIOD, snapshot=snapshot
    )
    coordinator = compose(
        person=scenario.coordinator, kind=DigestKind.CORE_GROUP, period=s.PERIOD, snapshot=snapshot
    )
    heading = "Due in the next 14 days: 53 items — the 50 due first below"
    # A-2 is led by UNHCR (the coordinator's) with Dana as focal point: "yours" to both.
    # Each reader's own items carry their own update link; the rest reads the same.
    assert without_update_links(block(dana.text, heading)) == without_update_links(
        block(coordinator.text, heading)
    )
    assert any("Update it without signing in: http" in line for line in block(dana.text, heading))
    assert any(
        line.startswith("- A-2 Service mapping [yours]") for line in block(dana.text, heading)
    )
    overdue = "Overdue: 54 items — the 50 most overdue below"
    assert "[yours]" not in "\n".join(block(dana.text, overdue))
