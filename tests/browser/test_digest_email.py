"""The digest's HTML part as a phone shows it: at 375 px, in English and in Arabic, nothing
reaches past the screen's edge (in Arabic the page then scrolled from its right, and the
start of every line was cut off)."""

import pytest

from actions.digests.email import compose
from actions.digests.snapshot import Snapshot
from actions.models import DigestKind
from tests.actions.digests import scenario as s

from .conftest import PHONE, use_window

pytestmark = pytest.mark.services


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("kind", [DigestKind.CORE_GROUP, DigestKind.PARTNER])
def test_a_digest_fits_a_phone_screen(
    browser, plan, organizations, coordinator, tmp_path, language, kind
):
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    reader = data.dana if kind == DigestKind.CORE_GROUP else data.ivo
    reader.language = language
    with s.at(2024, 3, 11, 7, 0):
        snapshot = Snapshot.load(period=s.PERIOD, people=[reader.pk])
        html = compose(person=reader, kind=kind, period=s.PERIOD, snapshot=snapshot).html
    page = tmp_path / "digest.html"
    page.write_text(html, encoding="utf-8")
    use_window(browser, PHONE)
    browser.get(page.as_uri())
    assert browser.find_element("css selector", "h3").text  # the lists are drawn
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0, f"the digest is {overflow} px wider than the screen"
