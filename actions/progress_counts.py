"""Progress per area and per organisation, read from the counts PostgreSQL keeps.

Migration 0022 keeps items per status, and open items per due date, for every area and
every organisation leading items, up to date through triggers. ``count_annotations``
gives a queryset of areas or organisations the ``n_<status>`` and ``n_overdue`` columns
that ``progress.counts_of_row`` reads: on PostgreSQL as small subqueries of those tables
(a few rows each, whatever the number of items), on SQLite by counting the items as
``progress.status_count_annotations`` does. Either way, one query for a table of bars.
"""

import datetime
from collections.abc import Mapping
from typing import Literal

from django.db import connection
from django.db.models import Expression, IntegerField
from django.db.models.expressions import RawSQL

from .progress import Status, status_count_annotations

# The table of the rows annotated, its relation to the items (for counting), and which
# key of the counts tables it is (the other one is 0).
_OWNERS = {
    "area": ("actions_area", "action_points", "area_id"),
    "organization": ("participants_organization", "led_action_points", "organization_id"),
}


def stored() -> bool:
    """Whether this database keeps the counts (PostgreSQL, migration 0022)."""
    return connection.vendor == "postgresql"


def count_annotations(
    owner: Literal["area", "organization"], today: datetime.date
) -> Mapping[str, Expression]:
    """``n_<status>`` for each status and ``n_overdue``, for a queryset of ``owner``."""
    table, relation, key = _OWNERS[owner]
    if not stored():
        return status_count_annotations(relation, today)
    other = "organization_id" if key == "area_id" else "area_id"
    # Only fixed names go into the SQL text; the status and the date are parameters.
    annotations: dict[str, Expression] = {
        f"n_{status}": RawSQL(  # noqa: S611
            f"COALESCE((SELECT c.n FROM actions_progress_status c WHERE c.{key} = "  # noqa: S608
            f'"{table}"."id" AND c.{other} = 0 AND c.status = %s), 0)',
            [status],
            output_field=IntegerField(),
        )
        for status in Status.values
    }
    annotations["n_overdue"] = RawSQL(  # noqa: S611
        f"COALESCE((SELECT sum(c.n) FROM actions_progress_open_due c WHERE c.{key} = "  # noqa: S608
        f'"{table}"."id" AND c.{other} = 0 AND c.due_date < %s), 0)',
        [today],
        output_field=IntegerField(),
    )
    return annotations


def items_total() -> int | None:
    """How many action points there are, from the kept counts (a few rows), or None where
    they are not kept: counting 100,000 items for the list's first page took longer than
    reading the page."""
    if not stored():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(sum(n), 0) FROM actions_progress_status WHERE organization_id = 0"
        )
        return int(cursor.fetchone()[0])


def organizations_leading() -> RawSQL:
    """The ids of the organisations that lead at least one item (PostgreSQL), for
    ``pk__in``: a scan of the kept counts, not of the items' leads."""
    return RawSQL(
        "SELECT organization_id FROM actions_progress_status WHERE area_id = 0 AND n > 0", []
    )


def recount() -> None:
    """Rebuild the counts from the items (after a repair by hand; the triggers keep them)."""
    if stored():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pim_recount_progress()")
