"""What the list's filter form offers: every plan, each area code once, and the organisation
and forum acronyms as typing suggestions, in the order the tables give them, read in one
query."""

import re

import pytest

from actions import filters
from actions.models import ActionPlan, Area
from participants.models import Forum, Organization
from tests.actions.conftest import html_of
from tests.factories import ActionPlanFactory, AreaFactory, ForumFactory, OrganizationFactory


def options(html: str, name: str) -> list[tuple[str, str]]:
    select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select)


def datalist(html: str, list_id: str) -> list[str]:
    found = html.split(f'<datalist id="{list_id}">', 1)[1].split("</datalist>", 1)[0]
    return re.findall(r'<option value="([^"]*)">', found)


@pytest.fixture
def more_choices(plan, organizations):
    """A second plan (titled to sort first) sharing area code B with the first and adding E;
    forums beside the plan's PC."""
    second = ActionPlanFactory(title="Another plan")
    for code in ("B", "E"):
        AreaFactory(plan=second, code=code)
    for acronym in ("PWG", "CP AoR", "IMWG"):
        ForumFactory(acronym=acronym)
    OrganizationFactory(acronym="DRC")
    return second


def test_the_form_offers_every_plan_each_area_code_once_and_every_acronym(
    viewer, plan, more_choices
):
    html = html_of(viewer.get("/actions/"))
    assert options(html, "plan") == [
        (str(more_choices.pk), "Another plan"),
        (str(plan.pk), "Test action plan"),
    ]
    assert options(html, "area") == [(c, c) for c in ("A", "B", "C", "D", "E")]
    assert datalist(html, "organization-acronyms") == ["ACTED", "DRC", "ECHO", "IOM", "UNHCR"]
    assert datalist(html, "forum-acronyms") == list(
        Forum.objects.order_by("acronym").values_list("acronym", flat=True)
    )
    assert {"CP AoR", "IMWG", "PC", "PWG"} <= set(datalist(html, "forum-acronyms"))


def test_the_choices_are_the_tables_in_their_own_order_in_one_query(
    plan, more_choices, django_assert_num_queries
):
    with django_assert_num_queries(1):
        choices = filters.filter_choices()
    assert choices.plans == [
        (str(pk), t) for pk, t in ActionPlan.objects.values_list("pk", "title")
    ]
    assert choices.area_codes == list(
        Area.objects.order_by("code").values_list("code", flat=True).distinct()
    )
    assert choices.organization_acronyms == list(
        Organization.objects.order_by("acronym").values_list("acronym", flat=True)
    )
    assert choices.forum_acronyms == list(
        Forum.objects.order_by("acronym").values_list("acronym", flat=True)
    )


def test_the_suggestions_stop_at_the_datalist_limit_but_plans_and_areas_do_not(
    viewer, plan, more_choices, monkeypatch
):
    monkeypatch.setattr(filters, "DATALIST_LIMIT", 2)
    html = html_of(viewer.get("/actions/"))
    assert datalist(html, "organization-acronyms") == ["ACTED", "DRC"]
    assert datalist(html, "forum-acronyms") == list(
        Forum.objects.order_by("acronym").values_list("acronym", flat=True)[:2]
    )
    assert len(options(html, "plan")) == 2
    assert len(options(html, "area")) == 5
    # Beyond the suggestions, the filter still takes any acronym that exists.
    response = viewer.get("/actions/", {"organization": "UNHCR"})
    assert not response.context["form"].errors


def test_with_nothing_yet_the_form_offers_nothing(db):
    choices = filters.filter_choices()
    assert (choices.plans, choices.area_codes) == ([], [])
    assert (choices.organization_acronyms, choices.forum_acronyms) == ([], [])
