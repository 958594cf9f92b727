"""User text keeps its own direction: an Arabic note on an English page and an English note
on an Arabic page read in the right order, in real Chromium.

Each note mixes the two scripts, which is where an un-isolated paragraph goes wrong: in a
left-to-right paragraph the bidi algorithm puts the first Arabic words of an Arabic note at
the left, so it reads back to front. "Reads in the right order" is measured on the screen:
the note's first word must be at its start side (right for Arabic, left for English).
"""

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from actions import services
from tests.factories import ActionPointFactory

from .conftest import open_page, sign_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ARABIC_NOTE = "تمت مشاركة جدول 5Ws مع الشركاء في طرابلس"
ENGLISH_NOTE = "Shared the 5Ws table with الهلال الأحمر الليبي yesterday"
ARABIC_TITLE = "توحيد المصطلحات"

# Where a word of an element's text is drawn (its left edge, in CSS pixels).
WORD_LEFT = """
const [element, word] = arguments;
const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const at = node.data.indexOf(word);
  if (at >= 0) {
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    return range.getBoundingClientRect().left;
  }
}
return null;
"""


def reads_from(browser, element, first: str, last: str) -> str:
    """'right' when ``first`` is drawn right of ``last`` (right-to-left), else 'left'."""
    first_left = browser.execute_script(WORD_LEFT, element, first)
    last_left = browser.execute_script(WORD_LEFT, element, last)
    assert first_left is not None and last_left is not None, element.text
    return "right" if first_left > last_left else "left"


def note_element(browser, text: str):
    for element in browser.find_elements(By.CSS_SELECTOR, "#journal .note"):
        if text.split()[0] in element.text:
            return element
    raise AssertionError(f"note not on the page: {text}")


@pytest.fixture
def item_with_notes(plan, coordinator):
    item = ActionPointFactory(area=plan.areas.get(code="A"), code="A-4", title=ARABIC_TITLE)
    services.change_action_point(action_point=item, by=coordinator.user, note=ARABIC_NOTE)
    services.change_action_point(action_point=item, by=coordinator.user, note=ENGLISH_NOTE)
    return item


@pytest.mark.parametrize("language", ["en", "ar"])
def test_notes_read_in_their_own_direction_whatever_the_page(
    browser, live_server, screenshot, coordinator, item_with_notes, language
):
    open_page(browser, f"{live_server.url}/accounts/login/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    sign_in(browser, live_server.url, coordinator.user.username)
    open_page(browser, f"{live_server.url}/actions/{item_with_notes.pk}/")

    page_direction = browser.find_element(By.TAG_NAME, "html").get_attribute("dir")
    assert page_direction == ("rtl" if language == "ar" else "ltr")

    arabic = note_element(browser, ARABIC_NOTE)
    english = note_element(browser, ENGLISH_NOTE)
    assert reads_from(browser, arabic, "تمت", "طرابلس") == "right"
    assert reads_from(browser, english, "Shared", "yesterday") == "left"
    # The heading's title is isolated too: the code stays before it, the words in order.
    heading = browser.find_element(By.TAG_NAME, "h1")
    assert reads_from(browser, heading, "توحيد", "المصطلحات") == "right"
    screenshot(browser, f"direction-{language}")
