"""The list's filter form is drawn once and then taken from memory (actions/action_list.html,
ActionPointFilter.form_key): what a user reads in it must still be what they asked for, in
their language, with the plans and organisations as they are now."""

import re

import pytest
from django.conf import settings

from actions import filters
from tests.actions.conftest import html_of
from tests.factories import OrganizationFactory


def field_value(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, f"no input {name}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def datalist(html: str) -> list[str]:
    found = html.split('<datalist id="organization-acronyms">', 1)[1].split("</datalist>", 1)[0]
    return re.findall(r'<option value="([^"]*)">', found)


def label_of(html: str, name: str) -> str:
    found = re.search(rf'<label for="id_{name}"[^>]*>([^<]*)</label>', html)
    assert found, f"no label for {name}"
    return found.group(1).rstrip(":")


def filter_form(html: str) -> str:
    return html.split('id="filter-form"', 1)[1].split("</form>", 1)[0]


def test_the_same_filters_read_twice_show_the_same_form(viewer, plan, organizations):
    url = "/actions/?area=B&status=in_progress&status=blocked&organization=IOM&sort=due_date"
    first, second = html_of(viewer.get(url)), html_of(viewer.get(url))
    assert filter_form(first) == filter_form(second)
    assert 'value="B" selected' in second
    assert field_value(second, "organization") == "IOM"
    assert re.search(r'<input[^>]*value="blocked"[^>]*checked', second)


def test_an_organisation_added_is_suggested_on_the_next_page(viewer, plan, organizations):
    assert "NRC" not in datalist(html_of(viewer.get("/actions/?area=B")))
    OrganizationFactory(acronym="NRC")
    assert "NRC" in datalist(html_of(viewer.get("/actions/?area=B")))


def test_a_renamed_plan_is_offered_under_its_new_title(viewer, plan, organizations):
    assert ">Test action plan</option>" in html_of(viewer.get("/actions/"))
    plan.title = "Libya action plan 2018"
    plan.save()
    html = html_of(viewer.get("/actions/"))
    assert ">Libya action plan 2018</option>" in html
    assert "Test action plan" not in html


def test_the_text_searched_for_is_always_this_request_s(viewer, plan, organizations):
    html_of(viewer.get("/actions/?q=alpha&area=B"))
    html = html_of(viewer.get("/actions/?q=beta&area=B"))
    assert field_value(html, "q") == "beta"
    assert "alpha" not in html


def test_a_date_shows_as_it_was_typed(viewer, plan, organizations):
    short = html_of(viewer.get("/actions/?due_after=2026-1-5"))
    padded = html_of(viewer.get("/actions/?due_after=2026-01-05"))
    assert field_value(short, "due_after") == "2026-1-5"
    assert field_value(padded, "due_after") == "2026-01-05"


def test_each_language_reads_the_form_in_its_own_words(viewer, plan, organizations):
    url = "/actions/?area=B"
    assert label_of(html_of(viewer.get(url)), "organization") == "Lead organisation"
    viewer.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert label_of(html_of(viewer.get(url)), "organization") == "المنظمة الرائدة"
    viewer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert label_of(html_of(viewer.get(url)), "organization") == "Lead organisation"


@pytest.mark.parametrize("page", ["", "&page=1"])
def test_an_error_is_gone_once_the_organisation_exists(
    viewer, plan, organizations, monkeypatch, page
):
    # Past the suggestions' limit, so that the form's choices do not change with it.
    monkeypatch.setattr(filters, "DATALIST_LIMIT", 1)
    url = f"/actions/?organization=ZZZ{page}"
    assert "Some filters are not valid" in html_of(viewer.get(url))
    OrganizationFactory(acronym="ZZZ")
    html = html_of(viewer.get(url))
    assert "Some filters are not valid" not in html
    assert 'class="errorlist' not in html
    assert field_value(html, "organization") == "ZZZ"
