"""Fixtures shared by the action page tests."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import ActionPointFactory, ForumFactory


@pytest.fixture
def item(plan, organizations, partner_iom):
    """IOM leads it; the IOM partner is its focal point; it has a parent and a sub-item."""
    area = plan.areas.get(code="C")
    parent = ActionPointFactory(area=area, code="C-8", title="Establish a PWG core group")
    child = ActionPointFactory(
        area=area,
        code="C-8.2",
        title="Protection mainstreaming",
        description="Agree the mainstreaming checklist.\nShare it with the AoRs.",
        parent=parent,
        leads=[organizations["IOM"]],
        focal=[partner_iom.person],
        forum=ForumFactory(acronym="PWG", name="Protection Working Group"),
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    ActionPointFactory(area=area, code="C-8.2.x-sibling", parent=parent)
    return child


def html_of(response) -> str:
    """The page as text, for asserting what a user would read."""
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    """The part of a page from the element with this id to the end of its ``<section>``."""
    return html.split(f'id="{element_id}"', 1)[1].split("</section>", 1)[0]
