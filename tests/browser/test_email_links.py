"""Update from an e-mail link, in real Chromium: a partner takes the link from the digest
rendered for them, opens it in a browser with no session, and sets B-8 to "in progress";
the same link in a browser signed in as someone else, or after the partner left, changes
nothing."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from actions.digests.email import compose
from actions.digests.snapshot import Snapshot
from actions.digests.weeks import current_period
from actions.models import ActionPoint, DigestKind, Status, UpdateVia
from tests.factories import ActionPointFactory

from .conftest import (
    DESKTOP,
    PHONE,
    has_no_horizontal_overflow,
    open_page,
    page_error,
    sign_in,
    submit_and_wait,
    use_window,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def b8(plan, organizations):
    cache.clear()  # the links' counters
    return ActionPointFactory(
        area=plan.areas.get(code="B"),
        code="B-8",
        title="Agree the data points to share",
        status=Status.BLOCKED,
        due_date=datetime.date.today() + datetime.timedelta(days=5),
        leads=[organizations["ACTED"]],
    )


def link_in_digest(person, live_url: str, settings) -> str:
    """The update link of B-8 as the partner's digest writes it, pointed at the test server."""
    period = current_period()
    snapshot = Snapshot.load(period=period, people=[person.pk])
    mail = compose(person=person, kind=DigestKind.PARTNER, period=period, snapshot=snapshot)
    links = re.findall(r"Update it without signing in: (\S+)", mail.text)
    assert len(links) == 1, mail.text
    assert f'href="{links[0]}"' in mail.html
    return links[0].replace(settings.SITE_URL, live_url)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_a_partner_updates_b8_from_their_digest_without_signing_in(
    browser, live_server, screenshot, partner_acted, b8, settings, size
):
    link = link_in_digest(partner_acted.person, live_server.url, settings)
    use_window(browser, size)
    open_page(browser, link)
    assert "B-8" in browser.find_element(By.TAG_NAME, "h1").text, page_error(browser)
    assert has_no_horizontal_overflow(browser)
    screenshot(browser, f"email-link-page-{size[0]}")

    note = "Protocol agreed at the PWG; data points being collected."
    form = browser.find_element(By.ID, "update-form")
    Select(form.find_element(By.NAME, "status")).select_by_value(Status.IN_PROGRESS)
    form.find_element(By.NAME, "note").send_keys(note)
    submit_and_wait(browser, "update-submit")

    assert browser.current_url == link, page_error(browser)
    assert "B-8 saved" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    newest = browser.find_elements(By.CSS_SELECTOR, "#journal > li")[0]
    assert note in newest.text
    assert "Acted_partner Demo (from an e-mail link)" in newest.text
    assert "Blocked → In progress" in newest.text
    screenshot(browser, f"email-link-saved-{size[0]}")

    b8.refresh_from_db()
    assert b8.status == Status.IN_PROGRESS
    entry = b8.updates.latest("created_at")
    assert (entry.author, entry.note, entry.via) == (partner_acted.user, note, UpdateVia.EMAIL_LINK)


def test_the_link_changes_nothing_after_fourteen_days(
    browser, live_server, partner_acted, b8, settings
):
    link = link_in_digest(partner_acted.person, live_server.url, settings)
    open_page(browser, link)
    assert browser.find_elements(By.ID, "update-form"), page_error(browser)
    Select(browser.find_element(By.NAME, "status")).select_by_value(Status.DONE)
    # The page was left open past the link's 14 days: saving it then changes nothing.
    with time_machine.travel(datetime.timedelta(days=14, minutes=1)):
        submit_and_wait(browser, "update-submit")
        assert browser.find_element(By.ID, "link-refused").get_attribute("data-state") == "expired"
        open_page(browser, link)
        assert browser.find_elements(By.ID, "update-form") == []
    assert ActionPoint.objects.get(pk=b8.pk).status == Status.BLOCKED
    assert b8.updates.count() == 1


def test_the_link_changes_nothing_for_someone_else_or_after_the_partner_left(
    browser, live_server, screenshot, partner_acted, coordinator, b8, settings
):
    link = link_in_digest(partner_acted.person, live_server.url, settings)
    # Signed in as a coordinator, who may update B-8 on the site: the link is still not theirs.
    sign_in(browser, live_server.url, coordinator.user.username)
    open_page(browser, link)
    refused = browser.find_element(By.ID, "link-refused")
    assert refused.get_attribute("data-state") == "other_account"
    assert browser.find_elements(By.ID, "update-form") == []
    screenshot(browser, "email-link-other-account")

    browser.delete_all_cookies()
    open_page(browser, link)
    assert browser.find_elements(By.ID, "update-form"), page_error(browser)
    # The partner leaves while the page is open: saving it then changes nothing.
    partner_acted.person.left_on = datetime.date.today()
    partner_acted.person.save()
    Select(browser.find_element(By.NAME, "status")).select_by_value(Status.DONE)
    submit_and_wait(browser, "update-submit")
    assert browser.find_element(By.ID, "link-refused").get_attribute("data-state") == "refused"
    assert ActionPoint.objects.get(pk=b8.pk).status == Status.BLOCKED
    assert b8.updates.count() == 1
