"""The detail page keeps its forms' fields as a fresh page draws them (action_detail.html,
CACHES["fragments"]): the kept fields must follow the item's status and the reader's
language, and a form with what the user typed or an error is drawn afresh."""

import re

from actions.models import ActionPoint, Status
from tests.actions.conftest import html_of


def selected_status(html: str) -> str:
    found = re.findall(r'<option value="([a-z_]+)" selected>', html)
    assert len(found) == 1, found
    return found[0]


def test_the_status_shown_is_the_items_own(partner_iom, item):
    page = f"/actions/{item.pk}/"
    for _ in range(2):  # the second page is drawn from what the first kept
        assert selected_status(html_of(partner_iom.get(page))) == Status.NOT_STARTED
    ActionPoint.objects.filter(pk=item.pk).update(status=Status.BLOCKED, version=item.version + 1)
    html = html_of(partner_iom.get(page))
    assert selected_status(html) == Status.BLOCKED
    assert f'name="version" value="{item.version + 1}"' in html


def test_the_words_are_in_the_readers_language(partner_iom, item):
    page = f"/actions/{item.pk}/"
    assert "Progress note" in html_of(partner_iom.get(page))
    partner_iom.cookies["django_language"] = "ar"
    arabic = html_of(partner_iom.get(page))
    assert "ملاحظة تقدّم" in arabic and "Progress note" not in arabic
    partner_iom.cookies["django_language"] = "en"
    assert "Progress note" in html_of(partner_iom.get(page))


def test_what_was_typed_and_its_error_are_shown_then_a_fresh_form_again(partner_iom, item):
    page = f"/actions/{item.pk}/"
    html_of(partner_iom.get(page))  # a fresh form kept
    refused = partner_iom.post(
        f"/actions/{item.pk}/update/",
        {"status": Status.BLOCKED, "note": "x" * 5001, "version": item.version},
    )
    html = html_of(refused)
    assert "field-invalid" in html and "x" * 5001 in html
    assert selected_status(html) == Status.BLOCKED
    fresh = html_of(partner_iom.get(page))
    assert "field-invalid" not in fresh and "x" * 5001 not in fresh
    assert selected_status(fresh) == Status.NOT_STARTED


def test_a_refused_comment_is_shown_with_its_error(partner_acted, item):
    page = f"/actions/{item.pk}/"
    html_of(partner_acted.get(page))
    refused = html_of(partner_acted.post(f"/actions/{item.pk}/comment/", {"text": "   "}))
    assert 'aria-invalid="true"' in refused
    assert 'aria-invalid="true"' not in html_of(partner_acted.get(page))
