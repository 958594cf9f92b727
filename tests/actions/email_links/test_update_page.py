"""Update from an e-mail link: the page a digest links to, without a password."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from actions.email_links import throttle
from actions.models import ActionPoint, ActionUpdate, EmailLinkSettings, Status, UpdateVia
from actions.update_links import update_link
from tests.factories import ActionPointFactory, PersonFactory


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def item(plan, organizations):
    return ActionPointFactory(
        area=plan.areas.get(code="B"), code="B-8", leads=[organizations["ACTED"]]
    )


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def link_for(person, item) -> str:
    return path_of(update_link(person, item))


def save(client: Client, link: str, item, status=Status.IN_PROGRESS, note="Started in Sabha."):
    version = ActionPoint.objects.get(pk=item.pk).version
    return client.post(link, {"status": status, "note": note, "version": version})


def test_the_link_opens_the_item_without_a_session(partner_acted, item):
    response = Client().get(link_for(partner_acted.person, item))
    html = response.content.decode()
    assert response.status_code == 200
    assert "B-8" in html and 'id="update-form"' in html
    assert "Acted_partner Demo" in html  # whose link it is


def test_saving_journals_the_person_and_the_link(partner_acted, item):
    response = save(Client(), link_for(partner_acted.person, item), item)
    assert response.status_code == 302
    entry = ActionUpdate.objects.filter(action_point=item).latest()
    assert (entry.status_after, entry.note, entry.via) == (
        Status.IN_PROGRESS,
        "Started in Sabha.",
        UpdateVia.EMAIL_LINK,
    )
    assert entry.author == partner_acted.user
    assert entry.author_name == "Acted_partner Demo"
    assert ActionPoint.objects.get(pk=item.pk).version == 2
    page = partner_acted.get(item.get_absolute_url()).content.decode()
    assert "Acted_partner Demo" in page and "(from an e-mail link)" in page


def test_a_person_without_an_account_may_update_their_organisations_item(organizations, item):
    contact = PersonFactory(first_name="Salma", last_name="Field", organization=item_lead(item))
    assert save(Client(), link_for(contact, item), item).status_code == 302
    entry = ActionUpdate.objects.filter(action_point=item).latest()
    assert (entry.author, entry.author_name) == (None, "Salma Field")


def item_lead(item):
    return item.lead_organizations.get()


def test_a_stale_version_is_refused_and_nothing_is_written(partner_acted, item):
    link = link_for(partner_acted.person, item)
    response = Client().post(link, {"status": Status.DONE, "note": "x", "version": 99})
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert ActionUpdate.objects.filter(action_point=item).count() == 1


def unchanged(item) -> bool:
    fresh = ActionPoint.objects.get(pk=item.pk)
    return fresh.version == 1 and fresh.updates.count() == 1


def test_someone_signed_in_as_another_account_changes_nothing(coordinator, partner_acted, item):
    """The token decides, not the session: a coordinator who may update the item on the
    site still cannot use a partner's link, so no one writes under another's name."""
    link = link_for(partner_acted.person, item)
    assert coordinator.get(link).status_code == 403
    assert save(coordinator, link, item).status_code == 403
    assert unchanged(item)


def test_the_person_signed_in_as_themselves_may_use_their_link(partner_acted, item):
    assert save(partner_acted, link_for(partner_acted.person, item), item).status_code == 302


def test_a_link_for_another_item_or_person_cannot_be_made_by_editing_it(
    partner_acted, partner_iom, item
):
    link = link_for(partner_acted.person, item)
    token = link.split("/")[2]
    # Another person's signature on the same item does not fit this token's payload.
    other = link_for(partner_iom.person, item).split("/")[2]
    forged = "/u/" + other.split(":")[0] + ":" + ":".join(token.split(":")[1:]) + "/"
    assert save(Client(), forged, item).status_code == 404
    assert save(Client(), link[:-3] + "xx/", item).status_code == 404
    assert unchanged(item)


def test_a_partner_of_another_organisation_is_refused(partner_iom, item):
    """IOM's partner may not update ACTED's item: a link made for them does nothing."""
    assert save(Client(), link_for(partner_iom.person, item), item).status_code == 403
    assert unchanged(item)


def test_the_link_expires_after_fourteen_days(partner_acted, item):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        link = link_for(partner_acted.person, item)
    with time_machine.travel(datetime.datetime(2026, 3, 14, 9, tzinfo=datetime.UTC), tick=False):
        assert Client().get(link).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 3, 15, 9, 1, tzinfo=datetime.UTC), tick=False):
        response = save(Client(), link, item)
    assert response.status_code == 410
    assert "more than 14 days old" in response.content.decode()
    assert unchanged(item)


@pytest.mark.parametrize("change", ["left_on", "is_active", "account"])
def test_the_link_stops_when_the_person_leaves_or_is_deactivated(partner_acted, item, change):
    link = link_for(partner_acted.person, item)
    person = partner_acted.person
    if change == "left_on":
        person.left_on = datetime.date(2026, 1, 31)
        person.save()
    elif change == "is_active":
        person.is_active = False
        person.save()
    else:
        partner_acted.user.is_active = False
        partner_acted.user.save()
    assert save(Client(), link, item).status_code == 403
    assert unchanged(item)


def test_coordinators_switch_the_links_off_and_on(coordinator, partner_acted, item):
    link = link_for(partner_acted.person, item)
    response = coordinator.post("/digests/email-links/", {})
    assert response.status_code == 302
    assert not EmailLinkSettings.objects.get().enabled
    assert save(Client(), link, item).status_code == 403
    assert unchanged(item)
    coordinator.post("/digests/email-links/", {"enabled": "on"})
    assert save(Client(), link, item).status_code == 302


def test_a_link_used_too_often_is_throttled(partner_acted, item, monkeypatch):
    monkeypatch.setattr(throttle, "PER_LINK", 3)
    link = link_for(partner_acted.person, item)
    client = Client()
    for _ in range(3):
        assert client.get(link).status_code == 200
    assert save(client, link, item).status_code == 429
    assert unchanged(item)


def test_one_address_is_throttled_across_links(partner_acted, item, monkeypatch):
    monkeypatch.setattr(throttle, "PER_ADDRESS", 2)
    other = ActionPointFactory(
        area=item.area, code="B-9", leads=list(item.lead_organizations.all())
    )
    assert Client().get(link_for(partner_acted.person, item)).status_code == 200
    assert Client().get(link_for(partner_acted.person, other)).status_code == 200
    assert Client().get(link_for(partner_acted.person, other)).status_code == 429


def test_the_form_is_csrf_protected_without_a_session(partner_acted, item):
    link = link_for(partner_acted.person, item)
    client = Client(enforce_csrf_checks=True)
    assert save(client, link, item).status_code == 403  # no token: refused
    assert unchanged(item)
    page = client.get(link)
    token = page.cookies["csrftoken"].value
    response = client.post(
        link,
        {"status": Status.IN_PROGRESS, "note": "", "version": 1, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert ActionPoint.objects.get(pk=item.pk).status == Status.IN_PROGRESS


def test_notes_are_escaped(partner_acted, item):
    link = link_for(partner_acted.person, item)
    save(Client(), link, item, note="<script>alert(1)</script>")
    html = Client().get(link).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_page_costs_the_same_queries_however_long_the_journal(
    partner_acted, item, django_assert_num_queries
):
    link = link_for(partner_acted.person, item)
    client = Client()
    client.get(link)  # the CSRF cookie and the session are made once

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(link).status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        save(client, link, item, status=Status.IN_PROGRESS, note=f"note {n}")
    assert count() == few


def test_the_database_keeps_the_journals_marker_as_written(partner_acted, item):
    """The journal's triggers cover the new column: "from an e-mail link" cannot be
    rewritten afterwards, on SQLite (whose triggers list the columns) as on PostgreSQL."""
    from tests.actions.test_constraints import IMMUTABLE, refused

    save(Client(), link_for(partner_acted.person, item), item)
    entry = ActionUpdate.objects.filter(action_point=item).latest()
    # Clearing the author of a deleted account is the one write allowed, and only alone.
    with refused(IMMUTABLE):
        ActionUpdate.objects.filter(pk=entry.pk).update(author=None, via=UpdateVia.SITE)
    assert ActionUpdate.objects.get(pk=entry.pk).via == UpdateVia.EMAIL_LINK
    ActionUpdate.objects.filter(pk=entry.pk).update(author=None)
