"""The personal-data guard in real Chromium: a partner's note with a phone number is held
back with a warning, saved once they confirm it, and a coordinator redacts it."""

import pytest
from selenium.webdriver.common.by import By

from actions.models import ActionUpdate
from tests.factories import ActionPointFactory

from .conftest import (
    DESKTOP,
    PHONE,
    has_no_horizontal_overflow,
    sign_in,
    submit_and_wait,
    use_window,
)
from .conftest import page_error as error_of

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

NOTE = "Call Amal on +218 91 234 5678 about the list."


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_a_phone_number_waits_for_confirmation_then_a_coordinator_redacts_it(
    browser, live_server, plan, organizations, partner_iom, coordinator, size
):
    item = ActionPointFactory(
        area=plan.areas.get(code="B"), code="B-7", leads=[organizations["IOM"]]
    )
    use_window(browser, size)
    sign_in(browser, live_server.url, partner_iom.user.username)
    browser.get(f"{live_server.url}/actions/{item.pk}/")
    assert not browser.find_elements(By.NAME, "pii_confirmed")

    browser.find_element(By.NAME, "note").send_keys(NOTE)
    submit_and_wait(browser, "update-submit")
    form = browser.find_element(By.ID, "update-form")
    assert "This looks like personal data (a phone number: +218 91 234 5678)" in form.text
    assert ActionUpdate.objects.filter(action_point=item).count() == 1
    assert has_no_horizontal_overflow(browser)

    browser.find_element(By.NAME, "pii_confirmed").click()
    submit_and_wait(browser, "update-submit")
    assert browser.current_url == f"{live_server.url}/actions/{item.pk}/", error_of(browser)
    entry = ActionUpdate.objects.filter(action_point=item).latest("created_at")
    assert (entry.note, entry.pii_confirmed) == (NOTE, True)

    browser.delete_all_cookies()
    sign_in(browser, live_server.url, coordinator.user.username)
    browser.get(f"{live_server.url}/actions/{item.pk}/")
    browser.find_element(By.CSS_SELECTOR, "details.redact summary").click()
    browser.find_element(By.ID, f"redact-reason-{entry.pk}").send_keys("A person's phone")
    submit_and_wait(browser, f"redact-submit-{entry.pk}")
    journal = browser.find_element(By.ID, "journal").text
    assert "+218" not in journal
    assert "Note redacted by Coordinator Demo" in journal
    assert has_no_horizontal_overflow(browser)
