"""The sign-in page in a real browser: errors a person can read, and the lockout page."""

import re

import pytest
from selenium.webdriver.common.by import By

from tests.factories import PASSWORD, UserFactory

from .conftest import (
    DESKTOP,
    PHONE,
    click_and_wait,
    has_no_horizontal_overflow,
    open_page,
    overflowing_elements,
    submit_and_wait,
    use_window,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def type_credentials(driver, username: str, password: str) -> None:
    for name, value in (("username", username), ("password", password)):
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_wrong_password_is_explained_and_the_right_one_signs_in(
    browser, live_server, screenshot, size
):
    UserFactory(username="amina")
    use_window(browser, size)
    open_page(browser, f"{live_server.url}/accounts/login/?next=/accounts/password_change/")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=id_username]").is_displayed()
    assert has_no_horizontal_overflow(browser), overflowing_elements(browser)

    type_credentials(browser, "amina", "not the password")
    submit_and_wait(browser, "login-submit")
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "correct username and password" in alert.text
    assert browser.find_element(By.NAME, "username").get_attribute("value") == "amina"
    assert has_no_horizontal_overflow(browser), overflowing_elements(browser)
    screenshot(browser, f"sign-in-error-{size[0]}")

    type_credentials(browser, "amina", PASSWORD)
    submit_and_wait(browser, "login-submit")
    assert browser.current_url == f"{live_server.url}/accounts/password_change/"
    assert browser.find_element(By.ID, "id_old_password").is_displayed()


def test_five_wrong_passwords_show_the_lockout_page(browser, live_server, screenshot):
    UserFactory(username="amina")
    use_window(browser, PHONE)
    open_page(browser, f"{live_server.url}/accounts/login/")
    for _ in range(5):
        type_credentials(browser, "amina", "not the password")
        submit_and_wait(browser, "login-submit")
    assert browser.find_element(By.ID, "locked-out").is_displayed()

    open_page(browser, f"{live_server.url}/accounts/login/")
    type_credentials(browser, "amina", PASSWORD)
    submit_and_wait(browser, "login-submit")
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "Too many failed sign-in attempts"
    assert has_no_horizontal_overflow(browser), overflowing_elements(browser)
    screenshot(browser, "locked-out-375")


def test_forgotten_password_is_reset_through_the_mailed_link(
    browser, live_server, screenshot, mailoutbox, tasks_in_process
):
    UserFactory(username="amina", email="amina@example.org")
    use_window(browser, PHONE)
    open_page(browser, f"{live_server.url}/accounts/login/")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Forgotten your password?"))
    browser.find_element(By.NAME, "email").send_keys("amina@example.org")
    submit_and_wait(browser, "password-reset-submit")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Check your e-mail"

    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+", mailoutbox[0].body).group()
    assert link.startswith(f"{live_server.url}/accounts/reset/")
    open_page(browser, link)
    assert has_no_horizontal_overflow(browser), overflowing_elements(browser)
    screenshot(browser, "password-reset-confirm-375")
    new_password = "a fresh passphrase for Misrata"
    browser.find_element(By.NAME, "new_password1").send_keys(new_password)
    browser.find_element(By.NAME, "new_password2").send_keys(new_password)
    submit_and_wait(browser, "password-reset-confirm-submit")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Password set"

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main a[href$='/login/']"))
    type_credentials(browser, "amina", new_password)
    submit_and_wait(browser, "login-submit")
    assert "/accounts/login/" not in browser.current_url
