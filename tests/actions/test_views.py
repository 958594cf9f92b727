"""The pages as their users meet them: what they show, what a save does, what a refusal says."""

import datetime
import re

import pytest
from django.utils import timezone

from actions import services
from actions.models import ActionUpdate, LearningOutcome, Status
from tests.actions.conftest import html_of
from tests.factories import PASSWORD, ActionPointFactory


@pytest.fixture
def today():
    return timezone.localdate()


def journal_items(html: str) -> list[str]:
    journal = html.split('id="journal"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li>(.*?)</li>\s*(?=<li>|$)", journal, flags=re.S)


# --- Detail ----------------------------------------------------------------------------


def test_detail_shows_the_full_item(viewer, item):
    html = html_of(viewer.get(f"/actions/{item.pk}/"))
    assert "Agree the mainstreaming checklist." in html
    assert "Share it with the AoRs." in html
    assert "C) Coordination" in html
    assert "Test action plan" in html
    assert "International Organization for Migration" in html
    assert "PWG" in html
    assert "<bdi>Iom_partner Demo</bdi> (IOM)" in html
    assert f'href="/actions/{item.parent_id}/"' in html
    assert "overdue" in html.lower()


def test_detail_lists_sub_items_of_a_parent(viewer, item):
    html = html_of(viewer.get(f"/actions/{item.parent_id}/"))
    assert "C-8.2 <bdi>Protection mainstreaming</bdi>" in html
    assert "C-8.2.x-sibling" in html


def test_journal_is_newest_first(coordinator, item):
    services.change_action_point(action_point=item, by=coordinator.user, note="First note")
    services.change_action_point(action_point=item, by=coordinator.user, note="Second note")
    entries = journal_items(html_of(coordinator.get(f"/actions/{item.pk}/")))
    assert len(entries) == 3
    assert "Second note" in entries[0]
    assert "First note" in entries[1]
    assert "Created" in entries[2]
    assert "Coordinator Demo" in entries[0]


def test_staff_email_is_shown_to_coordinators_only(coordinator, partner_iom, viewer, item):
    email = partner_iom.person.email
    assert email
    assert email in html_of(coordinator.get(f"/actions/{item.pk}/"))
    assert email not in html_of(partner_iom.get(f"/actions/{item.pk}/"))
    assert email not in html_of(viewer.get(f"/actions/{item.pk}/"))


def test_update_form_only_where_the_user_may_update(partner_iom, partner_acted, viewer, item):
    assert 'id="update-submit"' in html_of(partner_iom.get(f"/actions/{item.pk}/"))
    assert 'id="update-submit"' not in html_of(partner_acted.get(f"/actions/{item.pk}/"))
    assert 'id="update-submit"' not in html_of(viewer.get(f"/actions/{item.pk}/"))


def test_edit_link_only_for_coordinators(coordinator, partner_iom, item):
    assert f"/actions/{item.pk}/edit/" in html_of(coordinator.get(f"/actions/{item.pk}/"))
    assert f"/actions/{item.pk}/edit/" not in html_of(partner_iom.get(f"/actions/{item.pk}/"))


def test_unknown_item_is_404(viewer, coordinator, db):
    assert viewer.get("/actions/424242/").status_code == 404
    huge = "99999999999999999999999"  # past the column's range, not a server error
    for path in (f"/actions/{huge}/", f"/actions/{huge}/edit/", f"/plans/{huge}/"):
        assert coordinator.get(path).status_code == 404, path
    response = coordinator.post(f"/actions/{huge}/update/", {"status": "done", "version": 1})
    assert response.status_code == 404


# --- Status update ------------------------------------------------------------------------


def test_partner_updates_status_with_a_note(partner_iom, item):
    response = partner_iom.post(
        f"/actions/{item.pk}/update/",
        {"status": Status.IN_PROGRESS, "note": "Checklist drafted.", "version": item.version},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/actions/{item.pk}/"
    item.refresh_from_db()
    assert (item.status, item.version) == (Status.IN_PROGRESS, 2)
    entry = item.updates.first()
    assert (entry.author, entry.note, entry.status_after) == (
        partner_iom.user,
        "Checklist drafted.",
        Status.IN_PROGRESS,
    )
    html = html_of(response)
    assert "C-8.2 saved" in html
    assert "Checklist drafted." in journal_items(html)[0]


def test_stale_version_is_refused_and_the_users_note_is_kept(partner_iom, coordinator, item):
    # The coordinator saves first; the partner's form still carries version 1.
    services.change_action_point(
        action_point=item, by=coordinator.user, status=Status.BLOCKED, note="Waiting for ToR"
    )
    item.refresh_from_db()
    before = (item.status, item.version, item.updates.count())
    response = partner_iom.post(
        f"/actions/{item.pk}/update/",
        {"status": Status.DONE, "note": "My long report of the week.", "version": 1},
    )
    assert response.status_code == 409
    item.refresh_from_db()
    assert (item.status, item.version, item.updates.count()) == before
    assert not ActionUpdate.objects.filter(note="My long report of the week.").exists()
    html = html_of(response)
    assert "was changed by Coordinator Demo" in html
    assert "It is now “Blocked”" in html
    # The note is given back, and the form now names the version the user has seen.
    assert re.search(r"<textarea[^>]*name=\"note\"[^>]*>\s*My long report of the week.", html)
    assert f'name="version" value="{item.version}"' in html
    assert "Waiting for ToR" in journal_items(html)[0]
    # Saving again, knowingly, now works.
    again = partner_iom.post(
        f"/actions/{item.pk}/update/",
        {"status": Status.DONE, "note": "My long report of the week.", "version": item.version},
    )
    assert again.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_update_with_nothing_to_change_says_so_and_writes_nothing(partner_iom, item):
    response = partner_iom.post(
        f"/actions/{item.pk}/update/",
        {"status": item.status, "note": "  ", "version": item.version},
    )
    assert response.status_code == 200
    assert "Nothing to save" in html_of(response)
    assert item.updates.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"status": "finished", "note": "x", "version": 1},
        {"status": Status.DONE, "note": "x", "version": "abc"},
        {"status": Status.DONE, "note": "x"},
        {"status": Status.DONE, "note": "x", "version": "99999999999999999999999"},
        {"status": Status.DONE, "note": "a\x00b", "version": 1},
    ],
)
def test_update_with_bad_values_changes_nothing(partner_iom, item, data):
    response = partner_iom.post(f"/actions/{item.pk}/update/", data)
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.version, item.updates.count()) == (Status.NOT_STARTED, 1, 1)


# --- Escaping ------------------------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_user_text_is_escaped_everywhere(coordinator, partner_iom, plan, organizations):
    evil = ActionPointFactory(
        area=plan.areas.get(code="A"),
        code="A-9",
        title=f"Title {SCRIPT}",
        description=f"Text {SCRIPT}",
        leads=[organizations["IOM"]],
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    services.change_action_point(action_point=evil, by=partner_iom.user, note=f"Note {SCRIPT}")
    for client, path in [
        (coordinator, f"/actions/{evil.pk}/"),
        (coordinator, "/actions/"),
        (coordinator, "/"),
        (partner_iom, "/my/"),
        (coordinator, f"/plans/{plan.pk}/"),
        (coordinator, "/organizations/IOM/"),
        (coordinator, f"/actions/{evil.pk}/edit/"),
        (coordinator, "/actions/?q=<script>"),
    ]:
        html = html_of(client.get(path))
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html or "q=" in path, path


# --- My items and landing -------------------------------------------------------------------


def test_my_items_are_grouped(partner_iom, plan, organizations, today):
    iom = [organizations["IOM"]]
    area = plan.areas.get(code="A")
    ActionPointFactory(area=area, code="A-1", leads=iom, due_date=today - datetime.timedelta(1))
    ActionPointFactory(area=area, code="A-2", leads=iom, due_date=today + datetime.timedelta(14))
    ActionPointFactory(area=area, code="A-3", leads=iom, due_date=today + datetime.timedelta(15))
    ActionPointFactory(area=area, code="A-4", leads=iom, status=Status.DONE)
    ActionPointFactory(area=area, code="A-5", focal=[partner_iom.person])
    ActionPointFactory(area=area, code="A-6", leads=[organizations["ACTED"]])
    html = html_of(partner_iom.get("/my/"))
    sections = {
        key: html.split(f'id="{key}"', 1)[1].split("</section>", 1)[0]
        for key in ("overdue", "due-soon", "open", "closed")
    }
    assert ">A-1<" in sections["overdue"]
    assert ">A-2<" in sections["due-soon"]
    assert ">A-3<" in sections["open"] and ">A-5<" in sections["open"]
    assert ">A-4<" in sections["closed"]
    assert "A-6" not in html


def test_my_items_without_a_person_explains(db):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="donor", groups=["Viewers"]))
    response = client.get("/my/")
    assert response.status_code == 200
    assert "not linked to a person" in html_of(response)


def test_signing_in_at_the_front_door_takes_a_partner_to_my_items(partner_iom, anonymous):
    response = anonymous.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/"
    response = anonymous.post(
        "/accounts/login/?next=/",
        {"username": partner_iom.user.username, "password": PASSWORD, "next": "/"},
        follow=True,
    )
    assert [url for url, _ in response.redirect_chain] == ["/", "/my/"]
    # Only the first page after signing in: the dashboard stays open to partners.
    assert anonymous.get("/").status_code == 200


def test_signing_in_takes_partner_to_my_items_and_others_to_the_dashboard(
    partner_iom, coordinator, viewer, anonymous
):
    # A coordinator first takes the second step of signing in (tests/security/test_mfa.py).
    two_step = "/security/mfa/?next=%2Fstart%2F"
    for client, landing in [(partner_iom, "/my/"), (coordinator, two_step), (viewer, "/")]:
        anonymous.logout()
        response = anonymous.post(
            "/accounts/login/",
            {"username": client.user.username, "password": PASSWORD},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == landing, client.user.username


def test_signing_in_to_a_deep_link_goes_there(partner_iom, anonymous, item):
    response = anonymous.post(
        "/accounts/login/",
        {
            "username": partner_iom.user.username,
            "password": PASSWORD,
            "next": item.get_absolute_url(),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == item.get_absolute_url()


# --- Dashboard and plan ----------------------------------------------------------------------


def test_dashboard_counts_per_area_with_overdue_apart(viewer, plan, coordinator, today):
    area = plan.areas.get(code="B")
    ActionPointFactory(area=area, code="B-1", status=Status.DONE)
    ActionPointFactory(area=area, code="B-2", due_date=today - datetime.timedelta(days=5))
    late = ActionPointFactory(
        area=area, code="B-3", status=Status.IN_PROGRESS, due_date=today - datetime.timedelta(1)
    )
    services.change_action_point(action_point=late, by=coordinator.user, note="Chased them.")
    html = html_of(viewer.get("/"))
    row = html.split("B) Data sharing", 1)[1].split("</tr>", 1)[0]
    numbers = re.findall(r'<td class="num[^"]*">(?:<a[^>]*>)?(\d+)', row)
    # Not started, in progress, blocked, done, dropped, overdue.
    assert numbers == ["1", "1", "0", "1", "0", "2"]
    assert '<rect class="fill-done"' in row
    overdue = html.split('id="overdue-heading"', 1)[1].split("</section>", 1)[0]
    assert overdue.index(">B-2<") < overdue.index(">B-3<")
    recent = html.split('id="recent-heading"', 1)[1].split("</section>", 1)[0]
    assert "B-3" in recent and "Coordinator Demo" in recent


def test_plan_page_lists_areas_outcomes_and_items_in_report_order(viewer, plan):
    area = plan.areas.get(code="C")
    LearningOutcome.objects.create(area=area, order=1, text="Coordination fora are active.")
    parent = ActionPointFactory(area=area, code="C-8", position=8)
    ActionPointFactory(area=area, code="C-8.1", position=9, parent=parent)
    ActionPointFactory(area=area, code="C-10", position=10)
    ActionPointFactory(area=area, code="C-2", position=2)
    html = html_of(viewer.get(f"/plans/{plan.pk}/"))
    assert "Coordination fora are active." in html
    codes = re.findall(r">(C-[\d.]+)</a>", html)
    assert codes == ["C-2", "C-8", "C-8.1", "C-10"]


def test_navigation_follows_the_role(coordinator, partner_iom, viewer, db):
    coordinator_html = html_of(coordinator.get("/"))
    assert 'href="/actions/new/"' in coordinator_html
    partner_html = html_of(partner_iom.get("/"))
    assert 'href="/actions/new/"' not in partner_html
    assert 'href="/my/"' in partner_html
    assert "holds no data about affected people" in partner_html
    assert 'aria-current="page"' in html_of(viewer.get("/actions/"))
