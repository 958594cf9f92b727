"""Two-step sign-in in a real browser: a coordinator who signs in with a password alone
sets up an authenticator before any page, with a code computed here as a phone would."""

import base64

import pytest
from django_otp.oath import TOTP
from selenium.webdriver.common.by import By

from tests.conftest import _person_user, current_code
from tests.factories import PASSWORD

from .conftest import (
    DESKTOP,
    PHONE,
    has_no_horizontal_overflow,
    open_page,
    overflowing_elements,
    page_error,
    submit_and_wait,
    use_window,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def password_only(driver, base_url: str, username: str, next_url: str) -> None:
    open_page(driver, f"{base_url}/accounts/login/?next={next_url}")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    submit_and_wait(driver, "login-submit")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_a_coordinator_sets_up_two_step_sign_in_before_any_page(
    browser, live_server, organizations, screenshot, size
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _person_user("amina", organizations["UNHCR"], groups=["Coordinators"])
    use_window(browser, size)
    password_only(browser, live_server.url, "amina", "/people/")
    assert "/security/mfa/setup/" in browser.current_url, page_error(browser)
    # Any other page sends them back here.
    open_page(browser, f"{live_server.url}/actions/")
    assert "/security/mfa/setup/" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "#mfa-qr svg").is_displayed()
    assert has_no_horizontal_overflow(browser), overflowing_elements(browser)
    screenshot(browser, f"mfa-setup-{size[0]}")

    secret = browser.find_element(By.ID, "mfa-secret").text.replace(" ", "")
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"
    browser.find_element(By.NAME, "code").send_keys(code)
    submit_and_wait(browser, "mfa-submit")
    codes = browser.find_elements(By.CSS_SELECTOR, "#recovery-codes code")
    assert len(codes) == 10
    screenshot(browser, f"mfa-recovery-codes-{size[0]}")
    submit_and_wait(browser, "mfa-continue")
    assert browser.current_url.endswith("/actions/"), page_error(browser)

    # Next time: password, then a fresh code from the same authenticator.
    browser.delete_all_cookies()
    password_only(browser, live_server.url, "amina", "/people/")
    assert "/security/mfa/?next=" in browser.current_url, page_error(browser)
    screenshot(browser, f"mfa-verify-{size[0]}")
    device = TOTPDevice.objects.get(user__username="amina", confirmed=True)
    browser.find_element(By.NAME, "code").send_keys(current_code(device))
    submit_and_wait(browser, "mfa-submit")
    assert browser.current_url.endswith("/people/"), page_error(browser)
