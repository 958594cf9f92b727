"""The personal-data guard on the journal's other ways in: comments, and the page of an
e-mail link. A flagged text is saved only once its writer confirms it, and says so."""

import pytest
from django.core.cache import cache
from django.test import Client

from actions.models import ActionPoint, ActionUpdate, Status
from actions.update_links import update_link
from tests.factories import ActionPointFactory

PHONE = "+218 91 234 5678"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()  # the e-mail link's rate limits
    yield
    cache.clear()


@pytest.fixture
def acted_item(plan, organizations):
    return ActionPointFactory(
        area=plan.areas.get(code="B"), code="B-8", leads=[organizations["ACTED"]]
    )


def rows(item) -> int:
    return ActionUpdate.objects.filter(action_point=item).count()


def test_a_comment_with_a_phone_number_waits_for_confirmation(partner_iom, acted_item):
    text = f"Call the Sabha office on {PHONE}."
    refused = partner_iom.post(f"/actions/{acted_item.pk}/comment/", {"text": text})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert rows(acted_item) == 1  # nothing saved
    assert 'name="pii_confirmed"' in html and "phone" in html.lower()

    saved = partner_iom.post(
        f"/actions/{acted_item.pk}/comment/", {"text": text, "pii_confirmed": "1"}
    )
    assert saved.status_code == 302
    entry = ActionUpdate.objects.filter(action_point=acted_item).latest()
    assert (entry.kind, entry.note, entry.pii_confirmed) == ("comment", text, True)


def test_a_plain_comment_is_not_marked_confirmed(partner_iom, acted_item):
    partner_iom.post(f"/actions/{acted_item.pk}/comment/", {"text": "IOM can help in May."})
    entry = ActionUpdate.objects.filter(action_point=acted_item).latest()
    assert (entry.kind, entry.pii_confirmed) == ("comment", False)


def test_the_email_link_page_asks_before_saving_a_flagged_note(partner_acted, acted_item):
    link = update_link(partner_acted.person, acted_item).split("://", 1)[1]
    link = "/" + link.split("/", 1)[1]
    data = {"status": Status.IN_PROGRESS, "note": f"Ring me on {PHONE}", "version": 1}
    client = Client()
    refused = client.post(link, data)
    assert refused.status_code == 200
    assert 'name="pii_confirmed"' in refused.content.decode()
    assert ActionPoint.objects.get(pk=acted_item.pk).status == Status.NOT_STARTED
    assert rows(acted_item) == 1

    saved = client.post(link, {**data, "pii_confirmed": "1"})
    assert saved.status_code == 302
    entry = ActionUpdate.objects.filter(action_point=acted_item).latest()
    assert (entry.status_after, entry.pii_confirmed, entry.via) == (
        Status.IN_PROGRESS,
        True,
        "email_link",
    )
