"""Comments: any partner or coordinator, on any item they can read; journaled apart from
status changes, escaped, searchable, and no reason for an edit conflict."""

import pytest

from actions import comments, services
from actions.models import ActionPoint, ActionUpdate, Status
from tests.actions.conftest import html_of, section

MARKUP = "IOM can <b>help</b> with the 5Ws & share its template"


def journal(item) -> list[ActionUpdate]:
    return list(ActionUpdate.objects.filter(action_point=item).order_by("-created_at", "-id"))


def test_a_partner_comments_on_another_organisations_item(partner_acted, item):
    # IOM leads the item; ACTED neither leads it nor is focal point.
    page = html_of(partner_acted.get(f"/actions/{item.pk}/"))
    assert 'id="update-form"' not in page
    assert 'id="comment-form"' in page
    response = partner_acted.post(f"/actions/{item.pk}/comment/", {"text": MARKUP})
    assert response.status_code == 302
    assert response["Location"] == f"/actions/{item.pk}/#journal"
    entry = journal(item)[0]
    assert (entry.kind, entry.note, entry.author) == ("comment", MARKUP, partner_acted.user)
    assert entry.status_before == entry.status_after == item.status


def test_the_comment_shows_in_the_journal_escaped_and_set_apart(partner_acted, viewer, item):
    comments.add_comment(action_point=item, by=partner_acted.user, text=MARKUP)
    page = html_of(viewer.get(f"/actions/{item.pk}/"))
    journal_html = section(page, "journal-heading")
    assert '<li class="comment">' in journal_html
    assert "<strong>Comment</strong>" in journal_html
    assert "IOM can &lt;b&gt;help&lt;/b&gt; with the 5Ws &amp; share its template" in journal_html
    assert "<b>help</b>" not in page
    # A viewer reads comments but gets no form.
    assert 'id="comment-form"' not in page


def test_a_comment_does_not_bump_the_version_so_an_open_form_still_saves(
    partner_iom, partner_acted, item
):
    read_version = ActionPoint.objects.get(pk=item.pk).version
    partner_acted.post(f"/actions/{item.pk}/comment/", {"text": "Can help."})
    assert ActionPoint.objects.get(pk=item.pk).version == read_version
    # IOM's form, opened before the comment, saves without a conflict.
    response = partner_iom.post(
        f"/actions/{item.pk}/update/",
        {"status": Status.IN_PROGRESS, "note": "Thanks, ACTED.", "version": read_version},
    )
    assert response.status_code == 302
    assert ActionPoint.objects.get(pk=item.pk).status == Status.IN_PROGRESS


def test_an_empty_comment_writes_nothing_and_says_why(partner_acted, item):
    before = len(journal(item))
    response = partner_acted.post(f"/actions/{item.pk}/comment/", {"text": "   "})
    assert response.status_code == 400
    assert "This field is required." in html_of(response)
    assert len(journal(item)) == before
    with pytest.raises(comments.EmptyComment):
        comments.add_comment(action_point=item, by=partner_acted.user, text="\n ")


def test_a_viewer_cannot_comment_and_nothing_changes(viewer, item):
    before = len(journal(item))
    response = viewer.post(f"/actions/{item.pk}/comment/", {"text": "Donor view."})
    assert response.status_code == 403
    assert len(journal(item)) == before


def test_the_lists_text_search_finds_comments(partner_acted, viewer, item, plan):
    comments.add_comment(action_point=item, by=partner_acted.user, text="Ask Benghazi office")
    page = html_of(viewer.get("/actions/", {"q": "benghazi"}))
    assert f'href="/actions/{item.pk}/"' in page
    assert f'href="/actions/{item.parent_id}/"' not in page


def test_a_note_on_a_status_change_is_not_a_comment(coordinator, item):
    services.change_action_point(
        action_point=item, by=coordinator.user, status=Status.BLOCKED, note="Waiting."
    )
    assert journal(item)[0].kind == ActionUpdate.Kind.STATUS_CHANGE


@pytest.mark.parametrize("n", [2, 40])
def test_the_item_page_costs_the_same_with_many_comments(
    n, partner_acted, partner_iom, item, django_assert_num_queries
):
    for i in range(n):
        comments.add_comment(action_point=item, by=partner_acted.user, text=f"Comment {i}")
    # Session, user with role and person, the item, leads, focal points, sub-items, journal,
    # the meetings that discussed it and its links (tests/actions/test_query_counts.py).
    with django_assert_num_queries(9):
        response = partner_iom.get(f"/actions/{item.pk}/")
    assert html_of(response).count('<li class="comment">') == n


def test_a_comment_typed_after_the_session_expired_is_back_in_the_comment_form(
    partner_acted, partner_iom, item
):
    from tests.factories import PASSWORD

    page = f"/actions/{item.pk}/"
    partner_acted.session.flush()
    partner_acted.cookies.pop("sessionid", None)
    response = partner_acted.post(f"/actions/{item.pk}/comment/", {"text": "ACTED can help."})
    assert response["Location"] == f"/accounts/login/?next={page}"
    before = len(journal(item))
    partner_acted.post(
        "/accounts/login/",
        {"username": partner_acted.user.username, "password": PASSWORD, "next": page},
    )
    shown = html_of(partner_acted.get(page))
    assert ">\nACTED can help.</textarea>" in section(shown, "comment-heading")
    assert len(journal(item)) == before  # nothing saved unseen
