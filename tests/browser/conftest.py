"""Real Chromium, driven through Selenium, against the live test server.

Every test here carries the ``services`` marker and asks for ``browser``, which skips
cleanly without Chromium and chromedriver (fails instead with ``REQUIRE_SERVICES=1``).
Selenium Manager is never asked for anything: the Service gets the driver's path and the
options the browser's, so nothing is downloaded.
"""

import base64
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import current_code
from tests.factories import PASSWORD

# Long enough for a cold page on a loaded CI machine, short enough to fail a hung test.
WAIT_SECONDS = 15
DESKTOP = (1280, 900)
PHONE = (375, 812)

CHROMIUM_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


@pytest.fixture
def browser(chromium_paths: tuple[str, str], tmp_path: Path) -> Iterator[WebDriver]:
    """A fresh headless Chromium with its own profile; always quit, whatever happens."""
    binary, driver_path = chromium_paths
    options = Options()
    options.binary_location = binary
    for argument in CHROMIUM_ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.set_page_load_timeout(WAIT_SECONDS * 2)
        driver.set_script_timeout(WAIT_SECONDS)
        driver.set_window_size(*DESKTOP)
        yield driver
    finally:
        driver.quit()


def wait(driver: WebDriver) -> WebDriverWait:
    return WebDriverWait(driver, WAIT_SECONDS)


def use_window(driver: WebDriver, size: tuple[int, int]) -> None:
    """Resize the window so that the page's viewport is exactly ``size[0]`` CSS pixels wide.

    Headless Chromium keeps the outer window at least 500 px wide but gives the page the
    width asked for; the check makes a change of that behaviour fail loudly, not silently.
    """
    driver.set_window_size(*size)
    inner_width = driver.execute_script("return window.innerWidth")
    assert inner_width == size[0], f"viewport is {inner_width} px wide, not {size[0]}"


def open_page(driver: WebDriver, url: str) -> None:
    driver.get(url)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def click_and_wait(driver: WebDriver, element: WebElement) -> None:
    """Click a link or button and wait until the next page has replaced this one."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    # While the old document unloads, chromedriver may answer "Node with given id does not
    # belong to the document" instead of "stale element": both mean the page is going.
    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
        EC.staleness_of(old_page)
    )
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def submit_and_wait(driver: WebDriver, button_id: str) -> None:
    click_and_wait(driver, driver.find_element(By.ID, button_id))


def sign_in(driver: WebDriver, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form, as a person would."""
    open_page(driver, f"{base_url}/accounts/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    submit_and_wait(driver, "login-submit")
    assert "/accounts/login/" not in driver.current_url, page_error(driver)
    if "/security/mfa/" in driver.current_url:
        # A coordinator's second step, with the code their phone would show now.
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        driver.find_element(By.NAME, "code").send_keys(current_code(device))
        submit_and_wait(driver, "mfa-submit")
        assert "/security/mfa/" not in driver.current_url, page_error(driver)


def page_error(driver: WebDriver) -> str:
    """What the page says is wrong, for an assertion message."""
    alerts = driver.find_elements(By.CSS_SELECTOR, "[role=alert], .errorlist, .messages")
    text = " | ".join(a.text for a in alerts if a.text)
    return f"{driver.current_url}: {text or driver.title}"


def has_no_horizontal_overflow(driver: WebDriver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def overflowing_elements(driver: WebDriver) -> list[str]:
    """The elements that stick out to the right of the viewport, to say what overflows."""
    return driver.execute_script(
        """
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.right > window.innerWidth + 0.5) {
            out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
              + (el.className && typeof el.className === 'string' ? '.' + el.className : '')
              + ' right=' + Math.round(r.right));
          }
        }
        return out.slice(0, 10);
        """
    )


@pytest.fixture
def screenshot() -> Callable[[WebDriver, str], Path | None]:
    """Save a full-page screenshot under $PIMTRACKER_SCREENSHOTS, when it is set."""
    directory = os.environ.get("PIMTRACKER_SCREENSHOTS", "")

    def save(driver: WebDriver, name: str) -> Path | None:
        if not directory:
            return None
        path = Path(directory) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        width, height = driver.execute_script(
            "return [window.innerWidth,"
            " Math.max(document.documentElement.scrollHeight, window.innerHeight)]"
        )
        # A full page, not only the viewport: the reviewer wants to see the whole of it.
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    return save
