"""The main flows in real Chromium, on a desktop window and on a 375-px-wide phone window.

(a) A partner signs in, lands on "My items", opens one of their items and changes its
    status with a note. (b) A coordinator filters the list by area and status and changes
    the status of two rows at once. Each ends by checking the database, not only the page.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from actions import services
from actions.digests.weeks import current_period
from actions.models import ActionPoint, ActionUpdate, DigestDelivery, DigestKind, Status
from tests.factories import PASSWORD, ActionPointFactory

from .conftest import (
    DESKTOP,
    PHONE,
    click_and_wait,
    has_no_horizontal_overflow,
    open_page,
    overflowing_elements,
    page_error,
    sign_in,
    submit_and_wait,
    use_window,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WINDOWS = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "375px"])


def journal_count(item: ActionPoint) -> int:
    return ActionUpdate.objects.filter(action_point=item).count()


def assert_fits(driver: WebDriver) -> None:
    assert has_no_horizontal_overflow(driver), (driver.current_url, overflowing_elements(driver))


def listed_ids(driver: WebDriver) -> set[int]:
    """The items a list page shows, by the links of its rows."""
    links = driver.find_elements(By.CSS_SELECTOR, "table.items tbody td.code a")
    return {int(link.get_attribute("href").rstrip("/").rsplit("/", 1)[1]) for link in links}


@pytest.fixture
def partner_items(plan, organizations, partner_iom):
    area = plan.areas.get(code="B")
    return {
        "led": ActionPointFactory(
            area=area,
            code="B-7",
            title="Map the data sharing agreements in place",
            leads=[organizations["IOM"]],
        ),
        "focal": ActionPointFactory(
            area=area,
            code="B-2",
            title="Agree a data sharing protocol",
            leads=[organizations["UNHCR"]],
            focal=[partner_iom.person],
        ),
        "other": ActionPointFactory(
            area=area,
            code="B-8",
            title="Run the information management training",
            leads=[organizations["ACTED"]],
        ),
    }


@WINDOWS
def test_partner_updates_the_status_of_their_item_with_a_note(
    browser, live_server, screenshot, partner_iom, partner_items, size
):
    item = partner_items["led"]
    journal_before = journal_count(item)
    use_window(browser, size)

    sign_in(browser, live_server.url, partner_iom.user.username)
    assert browser.current_url == f"{live_server.url}/my/", page_error(browser)
    assert listed_ids(browser) == {partner_items["led"].pk, partner_items["focal"].pk}
    assert_fits(browser)
    screenshot(browser, f"partner-my-items-{size[0]}")

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "B-7"))
    assert browser.current_url == f"{live_server.url}/actions/{item.pk}/"
    assert_fits(browser)

    note = "Agreements with IOM and UNHCR collected; two more pending."
    update_form = browser.find_element(By.ID, "update-form")
    Select(update_form.find_element(By.NAME, "status")).select_by_value(Status.IN_PROGRESS)
    update_form.find_element(By.NAME, "note").send_keys(note)
    submit_and_wait(browser, "update-submit")

    assert browser.current_url == f"{live_server.url}/actions/{item.pk}/", page_error(browser)
    status = browser.find_element(By.CSS_SELECTOR, ".lead-status .status")
    assert status.text == "In progress"
    newest = browser.find_elements(By.CSS_SELECTOR, "#journal > li")[0]
    assert note in newest.text
    assert "Not started → In progress" in newest.text
    message = browser.find_element(By.CSS_SELECTOR, ".messages [role=status]")
    assert "B-7 saved" in message.text
    assert_fits(browser)
    screenshot(browser, f"partner-item-updated-{size[0]}")

    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert journal_count(item) == journal_before + 1
    entry = item.updates.latest("created_at")
    assert (entry.author, entry.note) == (partner_iom.user, note)
    assert (entry.status_before, entry.status_after) == (Status.NOT_STARTED, Status.IN_PROGRESS)


@pytest.fixture
def coordinator_items(plan, organizations):
    area_a, area_b = plan.areas.get(code="A"), plan.areas.get(code="B")
    make = ActionPointFactory
    return {
        "a1": make(area=area_a, code="A-1", title="Agree common definitions"),
        "a2": make(area=area_a, code="A-2", title="Harmonise the monitoring tools"),
        "a3": make(area=area_a, code="A-3", title="Share the tools with partners"),
        "a4": make(area=area_a, code="A-4", title="Review the tools", status=Status.DONE),
        "b1": make(area=area_b, code="B-1", title="Map the data flows"),
    }


@WINDOWS
def test_coordinator_filters_the_list_and_changes_two_items_at_once(
    browser, live_server, screenshot, coordinator, coordinator_items, size
):
    items = coordinator_items
    journal_before = {key: journal_count(item) for key, item in items.items()}
    use_window(browser, size)

    sign_in(browser, live_server.url, coordinator.user.username)
    open_page(browser, f"{live_server.url}/actions/")
    assert listed_ids(browser) == {item.pk for item in items.values()}

    filters = browser.find_element(By.ID, "filter-form")
    Select(filters.find_element(By.NAME, "area")).select_by_value("A")
    filters.find_element(By.CSS_SELECTOR, "input[name=status][value=not_started]").click()
    submit_and_wait(browser, "filter-submit")

    assert "area=A" in browser.current_url and "status=not_started" in browser.current_url
    matching = {items["a1"].pk, items["a2"].pk, items["a3"].pk}
    assert listed_ids(browser) == matching
    assert {s.text for s in browser.find_elements(By.CSS_SELECTOR, "table.items .status")} == {
        "Not started"
    }
    assert_fits(browser)

    bulk = browser.find_element(By.ID, "bulk-form")
    for key in ("a1", "a2"):
        checkbox = bulk.find_element(By.CSS_SELECTOR, f"input[name=ids][value='{items[key].pk}']")
        checkbox.click()
        assert checkbox.is_selected()
    Select(browser.find_element(By.ID, "bulk-status")).select_by_value(Status.BLOCKED)
    submit_and_wait(browser, "bulk-submit")

    # Back on the same filtered list: the two rows no longer match "not started".
    assert "area=A" in browser.current_url, page_error(browser)
    message = browser.find_element(By.CSS_SELECTOR, ".messages [role=status]")
    assert "2 items set to “Blocked”: A-1, A-2." in message.text
    assert listed_ids(browser) == {items["a3"].pk}
    assert_fits(browser)
    screenshot(browser, f"coordinator-bulk-done-{size[0]}")

    open_page(browser, f"{live_server.url}/actions/?area=A&status=blocked")
    assert listed_ids(browser) == {items["a1"].pk, items["a2"].pk}
    screenshot(browser, f"coordinator-blocked-list-{size[0]}")

    for key, item in items.items():
        item.refresh_from_db()
        changed = key in ("a1", "a2")
        assert journal_count(item) == journal_before[key] + (1 if changed else 0), key
        if changed:
            assert item.status == Status.BLOCKED
            entry = item.updates.latest("created_at")
            assert entry.author == coordinator.user
            assert entry.status_after == Status.BLOCKED
    assert items["a3"].status == Status.NOT_STARTED
    assert items["b1"].status == Status.NOT_STARTED


def test_a_note_typed_after_the_session_expired_survives_sign_in(
    browser, live_server, screenshot, partner_iom, partner_items
):
    item = partner_items["led"]
    sign_in(browser, live_server.url, partner_iom.user.username)
    open_page(browser, f"{live_server.url}/actions/{item.pk}/")
    note = "Agreements collected; the session ran out while I was writing this."
    browser.find_element(By.ID, "update-form").find_element(By.NAME, "note").send_keys(note)
    browser.delete_cookie("sessionid")  # the session expires while the note is typed

    submit_and_wait(browser, "update-submit")
    assert "/accounts/login/" in browser.current_url, page_error(browser)
    assert "What you typed is kept" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    browser.find_element(By.NAME, "username").send_keys(partner_iom.user.username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    submit_and_wait(browser, "login-submit")

    assert browser.current_url == f"{live_server.url}/actions/{item.pk}/", page_error(browser)
    form = browser.find_element(By.ID, "update-form")
    assert form.find_element(By.NAME, "note").get_attribute("value") == note
    screenshot(browser, "draft-back-after-sign-in")
    assert journal_count(item) == 1
    submit_and_wait(browser, "update-submit")
    assert item.updates.latest("created_at").note == note


def test_two_coordinators_editing_at_once_keep_both_changes_or_choose(
    browser, live_server, screenshot, coordinator, coordinator_items
):
    item = coordinator_items["a1"]
    edit_url = f"{live_server.url}/actions/{item.pk}/edit/"
    sign_in(browser, live_server.url, coordinator.user.username)

    # A colleague sets the status while this coordinator edits the title: both stay.
    open_page(browser, edit_url)
    services.change_action_point(action_point=item, by=None, status=Status.BLOCKED)
    title = browser.find_element(By.NAME, "title")
    title.clear()
    title.send_keys("Agree common definitions, in Arabic too")
    submit_and_wait(browser, "action-submit")
    assert browser.current_url == f"{live_server.url}/actions/{item.pk}/", page_error(browser)
    item.refresh_from_db()
    assert (item.title, item.status) == ("Agree common definitions, in Arabic too", Status.BLOCKED)

    # Both change the title: the page shows theirs and yours, and saves only once chosen.
    open_page(browser, edit_url)
    services.change_action_point(action_point=item, by=None, title="Their title")
    title = browser.find_element(By.NAME, "title")
    title.clear()
    title.send_keys("My title")
    submit_and_wait(browser, "action-submit")
    choice = browser.find_element(By.ID, "conflict-title")
    assert "Their title" in choice.text and "My title" in choice.text
    screenshot(browser, "edit-conflict-choice")
    item.refresh_from_db()
    assert item.title == "Their title"
    choice.find_element(By.CSS_SELECTOR, "input[value=mine]").click()
    submit_and_wait(browser, "conflict-submit")
    item.refresh_from_db()
    assert (item.title, item.status) == ("My title", Status.BLOCKED)


def test_the_delivery_log_fits_a_phone_and_offers_to_send_again(
    browser, live_server, screenshot, coordinator, partner_iom
):
    DigestDelivery.objects.create(
        person=partner_iom.person,
        kind=DigestKind.PARTNER,
        period=current_period(),
        status=DigestDelivery.State.UNCERTAIN,
        attempts=1,
        error="The server received the message but its reply was lost.",
    )
    use_window(browser, PHONE)
    sign_in(browser, live_server.url, coordinator.user.username)
    open_page(browser, f"{live_server.url}/digests/")
    assert_fits(browser)
    row = browser.find_element(By.CSS_SELECTOR, "#deliveries tr.delivery-uncertain")
    assert "Maybe sent" in row.text
    screenshot(browser, "delivery-log-maybe-sent-375")
    click_and_wait(browser, row.find_element(By.CSS_SELECTOR, "button"))
    assert DigestDelivery.objects.get().status != DigestDelivery.State.UNCERTAIN
