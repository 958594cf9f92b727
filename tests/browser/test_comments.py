"""A partner comments, in real Chromium, on an item another organisation leads: on a
desktop window and on a 375-px-wide phone window."""

import pytest
from selenium.webdriver.common.by import By

from actions.models import ActionUpdate
from tests.factories import ActionPointFactory

from .conftest import (
    DESKTOP,
    PHONE,
    has_no_horizontal_overflow,
    open_page,
    overflowing_elements,
    page_error,
    sign_in,
    submit_and_wait,
    use_window,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_a_partner_comments_on_another_organisations_item(
    browser, live_server, screenshot, plan, organizations, partner_acted, size
):
    item = ActionPointFactory(
        area=plan.areas.get(code="A"), code="A-5", leads=[organizations["IOM"]]
    )
    use_window(browser, size)
    sign_in(browser, live_server.url, partner_acted.user.username)
    open_page(browser, f"{live_server.url}/actions/{item.pk}/")
    assert not browser.find_elements(By.ID, "update-form")  # not ACTED's item

    text = "ACTED has <b>monitoring</b> data & can share it."
    browser.find_element(By.ID, "comment-form").find_element(By.NAME, "text").send_keys(text)
    submit_and_wait(browser, "comment-submit")

    assert browser.current_url == f"{live_server.url}/actions/{item.pk}/#journal", page_error(
        browser
    )
    newest = browser.find_elements(By.CSS_SELECTOR, "#journal > li")[0]
    assert "comment" in newest.get_attribute("class")
    assert text in newest.text  # shown as typed, not as markup
    assert not newest.find_elements(By.TAG_NAME, "b")
    message = browser.find_element(By.CSS_SELECTOR, ".messages [role=status]")
    assert "Your comment on A-5 is in its journal." in message.text
    assert has_no_horizontal_overflow(browser), overflowing_elements(browser)
    screenshot(browser, f"partner-commented-{size[0]}")

    entry = ActionUpdate.objects.filter(action_point=item).latest("created_at")
    assert (entry.kind, entry.author, entry.note) == ("comment", partner_acted.user, text)
