"""The meetings flow in real Chromium: a coordinator records a PWG meeting, records there
that B-8 is in progress, and the item's page and the meeting's page link each other; the
new pages fit a phone and read right to left in Arabic."""

from pathlib import Path

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from actions.models import ActionPoint, Meeting, Status
from actions.plan_files.importing import import_plan
from participants.models import Forum

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

SHIPPED = Path(__file__).resolve().parents[2] / "actions" / "plans" / "libya-pim-2017.toml"


def test_a_coordinator_records_a_pwg_meeting_that_sets_b8_in_progress(
    browser, live_server, screenshot, coordinator
):
    plan = import_plan(SHIPPED).plan
    sign_in(browser, live_server.url, coordinator.user.username)
    open_page(browser, f"{live_server.url}/")
    browser.find_element(By.CSS_SELECTOR, 'nav.site-nav a[href="/meetings/"]').click()
    submit_and_wait(browser, "meeting-new")

    pwg = Forum.objects.get(acronym="PWG")
    Select(browser.find_element(By.NAME, "forum")).select_by_value(str(pwg.pk))
    # A date field's typing order follows the browser's locale; its value does not.
    date = browser.find_element(By.NAME, "date")
    browser.execute_script("arguments[0].value = '2026-11-30'", date)
    for acronym in ("ACTED", "IOM"):
        browser.find_element(
            By.XPATH,
            f"//input[@name='organizations']/parent::label[contains(., '{acronym}')]/input",
        ).click()
    browser.find_element(By.NAME, "record").send_keys("ACTED presented its data points.")
    submit_and_wait(browser, "meeting-submit")
    meeting = Meeting.objects.get()
    assert browser.current_url.endswith(f"/meetings/{meeting.pk}/"), page_error(browser)

    form = browser.find_element(By.ID, "decision-form")
    form.find_element(By.NAME, "code").send_keys("B-8")
    Select(form.find_element(By.NAME, "status")).select_by_value(Status.IN_PROGRESS)
    form.find_element(By.NAME, "note").send_keys("ACTED shares them by the end of the month.")
    submit_and_wait(browser, "decision-submit")
    b8 = ActionPoint.objects.get(plan=plan, code="B-8")
    assert b8.status == Status.IN_PROGRESS, page_error(browser)
    screenshot(browser, "meeting-en-1280")

    browser.find_element(By.CSS_SELECTOR, f'#decisions a[href="/actions/{b8.pk}/#journal"]').click()
    open_page(browser, f"{live_server.url}/actions/{b8.pk}/")
    assert (
        "Agreed at the 2017 Protection Information Management training"
        in browser.find_element(By.ID, "agreed").text
    )
    browser.find_element(By.CSS_SELECTOR, f'#meetings a[href="/meetings/{meeting.pk}/"]')
    screenshot(browser, "item-en-1280")


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_new_pages_fit_the_screen_in_both_languages(
    browser, live_server, screenshot, coordinator, language, size
):
    plan = import_plan(SHIPPED).plan
    meeting = Meeting.objects.create(forum=plan.forum, date=plan.period_start, record="Record.")
    meeting.items.add(plan.action_points.get(code="B-8"))
    open_page(browser, f"{live_server.url}/accounts/login/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    sign_in(browser, live_server.url, coordinator.user.username)
    use_window(browser, size)
    a1 = plan.action_points.get(code="A-1")
    for name, path in [
        ("meetings", "/meetings/"),
        ("meeting", f"/meetings/{meeting.pk}/"),
        ("meeting-form", "/meetings/new/"),
        ("item", f"/actions/{a1.pk}/"),
        ("plan", f"/plans/{plan.pk}/"),
    ]:
        open_page(browser, f"{live_server.url}{path}")
        direction = browser.find_element(By.TAG_NAME, "html").get_attribute("dir")
        assert direction == ("rtl" if language == "ar" else "ltr")
        screenshot(browser, f"{name}-{language}-{size[0]}")
        assert has_no_horizontal_overflow(browser), (path, overflowing_elements(browser))
