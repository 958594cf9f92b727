"""The list's text search (actions/search.py) finds the same items on SQLite and on
PostgreSQL: the suite runs these on both (DATABASE_URL)."""

import re

import pytest
from django.db import connection

from actions import comments, services
from actions.privacy.redaction import redact_note
from tests.factories import ActionPointFactory


def found(client, text: str) -> list[str]:
    response = client.get("/actions/", {"q": text})
    assert response.status_code == 200
    return re.findall(
        r'<td class="code"><a href="/actions/\d+/">([^<]+)</a>', response.content.decode()
    )


@pytest.fixture
def items(plan, coordinator, partner_acted):
    a, b = (plan.areas.get(code=code) for code in "AB")
    made = {
        "A-1": ActionPointFactory(area=a, code="A-1", position=1, title="Harmonize tools"),
        "A-2": ActionPointFactory(
            area=a,
            code="A-2",
            position=2,
            title="Referral pathway for Sabha",
            description="Agree one form.",
        ),
        "B-1": ActionPointFactory(area=b, code="B-1", position=1, title="Dropbox repository"),
        "B-2": ActionPointFactory(
            area=b, code="B-2", position=2, title="Service mapping", description="Who does what."
        ),
    }
    user = coordinator.user
    services.change_action_point(
        action_point=made["B-1"], by=user, note="Checked the referral pathways with IOM in Sabha."
    )
    services.change_action_point(
        action_point=made["B-2"], by=user, note="ناقشنا خريطة الخدمات في مخيم تاورغاء."
    )
    comments.add_comment(
        action_point=made["A-1"], by=partner_acted.user, text="The pathway referral is old."
    )
    return made


def test_a_word_found_only_in_a_journal_note(viewer, items):
    assert found(viewer, "Sabha") == ["A-2", "B-1"]  # the title first, then the note
    assert found(viewer, "mapping") == ["B-2"]


def test_an_arabic_word_found_only_in_a_journal_note(viewer, items):
    assert found(viewer, "مخيم") == ["B-2"]
    assert found(viewer, "خريطة الخدمات") == ["B-2"]


def test_a_comment_is_searched_too(viewer, items):
    assert found(viewer, "is old") == ["A-1"]


def test_words_are_found_as_a_phrase_the_last_one_as_a_beginning(viewer, items):
    # A-2's title, B-1's note ("referral pathways"); not A-1's "pathway referral".
    assert found(viewer, "referral pathway") == ["A-2", "B-1"]
    assert found(viewer, "REFERRAL PATH") == ["A-2", "B-1"]
    assert found(viewer, "pathway referral") == ["A-1"]
    assert found(viewer, "referral mapping") == []


def test_codes_are_found_as_typed(viewer, items):
    assert found(viewer, "b-2") == ["B-2"]
    assert found(viewer, "A-") == ["A-1", "A-2"]


def test_a_redacted_note_is_no_longer_found(coordinator, viewer, items):
    entry = items["B-1"].updates.get(note__contains="Sabha")
    redact_note(entry=entry, by=coordinator.user, reason="Named a person by mistake.")
    assert found(viewer, "Sabha") == ["A-2"]
    assert found(viewer, "pathways") == []


def test_a_sort_chosen_by_the_reader_wins_over_the_ranking(viewer, items):
    response = viewer.get("/actions/", {"q": "Sabha", "sort": "-code"})
    codes = re.findall(
        r'<td class="code"><a href="/actions/\d+/">([^<]+)</a>', response.content.decode()
    )
    assert codes == ["B-1", "A-2"]


@pytest.mark.parametrize(
    "text",
    ["'", '"referral', "a & b | !c", "path:*", "(x <-> y)", "\\", "<script>", "_", "٪٪", "x" * 200],
)
def test_anything_typed_is_a_search_not_an_error(viewer, items, text):
    response = viewer.get("/actions/", {"q": text})
    assert response.status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_the_document_follows_every_change_on_postgresql(coordinator, viewer, items):
    # Through the bulk path of imports and tests (one INSERT for many journal rows).
    from tests.bulk import change_action_points

    change_action_points([items["A-1"], items["B-2"]], by=coordinator.user, note="Ghat visit")
    assert found(viewer, "ghat") == ["A-1", "B-2"]
    item = items["A-1"]
    item.title = "Harmonise the Ghat tools"
    item.save()
    assert found(viewer, "ghat tools") == ["A-1"]
    # Accents are dropped on both sides.
    assert found(viewer, "ghât") == ["A-1", "B-2"]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_page_of_results_says_how_many_were_found(viewer, plan, number):
    # The total comes with the page's rows, not from a count of its own: every page,
    # the last one short, says the same total, and the pages hold every item once.
    area = plan.areas.get(code="A")
    for position in range(1, 121):
        ActionPointFactory(area=area, code=f"A-{position}", position=position, title="Sabha")
    ActionPointFactory(area=area, code="A-999", position=999, title="Elsewhere")
    response = viewer.get("/actions/", {"q": "sabha", "page": number})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 120
    assert page.paginator.num_pages == 3
    assert len(page.object_list) == [50, 50, 20][number - 1]
    assert "120 action points" in response.content.decode()


def test_a_search_page_past_the_end_says_where_the_end_is(viewer, items):
    response = viewer.get("/actions/", {"q": "sabha", "page": 3})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["last_page"] == 1


def test_a_search_that_finds_nothing_says_so(viewer, items):
    response = viewer.get("/actions/", {"q": "nowhere to be found"})
    assert response.status_code == 200
    assert response.context["items"] == []
    assert "No action point matches these filters." in response.content.decode()
