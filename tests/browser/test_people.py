"""Giving access on the site, in real Chromium: a coordinator who is neither staff nor
superuser invites a partner; the partner opens the e-mailed link, chooses a password and
lands on "My items"; a viewer and a partner are refused /people/."""

import re
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from participants.models import AccessChange, Person
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

NEW_PASSWORD = "olive trees by the harbour"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_coordinator_invites_a_partner_who_sets_a_password_and_lands_on_my_items(
    browser, live_server, screenshot, mailoutbox, coordinator, plan, organizations, size
):
    assert not coordinator.user.is_staff and not coordinator.user.is_superuser
    use_window(browser, size)
    sign_in(browser, live_server.url, coordinator.user.username)
    open_page(browser, f"{live_server.url}/people/invite/")
    for name, value in (
        ("first_name", "Omar"),
        ("last_name", "Salem"),
        ("email", "omar.salem@example.org"),
        ("organization", "IOM"),
    ):
        browser.find_element(By.NAME, name).send_keys(value)
    Select(browser.find_element(By.NAME, "role")).select_by_value("partner")
    assert has_no_horizontal_overflow(browser), overflowing_elements(browser)
    submit_and_wait(browser, "invite-submit")
    assert "Omar Salem is invited" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    screenshot(browser, f"people-invited-{size[0]}")

    omar = Person.objects.get(email="omar.salem@example.org")
    ActionPointFactory(area=plan.areas.get(code="B"), code="B-7", focal=[omar])
    [mail] = mailoutbox
    link = re.search(r"https?://\S+/accounts/set-password/\S+", mail.body)[0]

    # A fresh browser session: the partner, not the coordinator, opens the link.
    browser.delete_all_cookies()
    open_page(browser, live_server.url + urlsplit(link).path)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Choose your password"
    browser.find_element(By.NAME, "new_password1").send_keys(NEW_PASSWORD)
    browser.find_element(By.NAME, "new_password2").send_keys(NEW_PASSWORD)
    submit_and_wait(browser, "set-password-submit")
    assert browser.current_url == f"{live_server.url}/my/", page_error(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "My items"
    assert "B-7" in browser.find_element(By.ID, "main").text
    assert has_no_horizontal_overflow(browser), overflowing_elements(browser)

    omar.user.refresh_from_db()
    assert omar.user.check_password(NEW_PASSWORD)
    assert AccessChange.objects.filter(person=omar, kind="invited").count() == 1


@pytest.mark.parametrize("role", ["viewer", "partner_iom"])
def test_viewer_and_partner_are_refused_the_people_pages(
    browser, live_server, request, role, coordinator
):
    client = request.getfixturevalue(role)
    sign_in(browser, live_server.url, client.user.username)
    before = AccessChange.objects.count()
    for path in (
        "/people/",
        "/people/invite/",
        "/people/log/",
        f"/people/{coordinator.person.pk}/",
    ):
        open_page(browser, live_server.url + path)
        assert browser.find_element(By.TAG_NAME, "h1").text == "You cannot do this", path
    assert "People" not in browser.find_element(By.CSS_SELECTOR, ".site-nav").text
    assert AccessChange.objects.count() == before
