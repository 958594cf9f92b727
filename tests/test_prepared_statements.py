"""Prepared statements on PostgreSQL (pimtracker/postgres.py, PREPARED_STATEMENTS): a page
asked for again runs statements its connection has prepared, and a prepared statement run
with other values shows what those values ask for."""

import re

import pytest
from django.db import connection

from tests.factories import ActionPointFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def listed(client, **params: str) -> list[str]:
    response = client.get("/actions/", params)
    assert response.status_code == 200
    return re.findall(
        r'<td class="code"><a href="/actions/\d+/">([^<]+)</a>', response.content.decode()
    )


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_page_asked_for_again_is_read_through_prepared_statements(viewer, plan):
    area = plan.areas.get(code="A")
    ActionPointFactory(area=area, code="A-1", position=1)
    assert not any("actions_actionpoint" in s for s in prepared_statements())
    for _ in range(6):
        assert listed(viewer, status="not_started") == ["A-1"]
    assert any('FROM "actions_actionpoint"' in s for s in prepared_statements())


def test_a_prepared_statement_with_other_values_lists_what_they_ask_for(
    viewer, plan, organizations
):
    # Six lists of one organisation's items prepare the filtered list's statements; the
    # next, of an organisation that leads one item, runs the same statements.
    area = plan.areas.get(code="A")
    for position in range(1, 21):
        ActionPointFactory(
            area=area, code=f"A-{position}", position=position, leads=[organizations["IOM"]]
        )
    ActionPointFactory(area=area, code="A-99", position=99, leads=[organizations["ACTED"]])
    for _ in range(6):
        assert len(listed(viewer, organization="IOM", sort="due_date")) == 20
    assert listed(viewer, organization="ACTED", sort="due_date") == ["A-99"]
    assert listed(viewer, organization="UNHCR", sort="due_date") == []
