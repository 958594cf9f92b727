"""Indexes for the pages at 100,000 action points (README, "Performance", has the measurements).

On every database: the list's filters and the dashboard's counts (area, status, due date),
open items by due date (a partial index), sorting by due date, and the reverse lookups of
the two many-to-many tables (an organisation's items, a person's items) as covering indexes.

On PostgreSQL only: trigram indexes (pg_trgm) for the text search, on the very expression
Django's ``icontains`` compares (``UPPER(column::text) LIKE UPPER('%…%')``), so a search for
a code or a rare word reads a few rows instead of every description; and due date latest
first with NULLS LAST, which SQLite cannot index. SQLite searches with a plain scan.
The backward step leaves the pg_trgm extension installed: dropping it is a database
administrator's decision.
"""

from django.db import migrations, models

PORTABLE_FORWARD = [
    "CREATE INDEX action_point_lead_org_item"
    " ON actions_actionpoint_lead_organizations (organization_id, actionpoint_id);",
    "CREATE INDEX action_point_focal_person_item"
    " ON actions_actionpoint_focal_points (person_id, actionpoint_id);",
]
PORTABLE_BACKWARD = [
    "DROP INDEX IF EXISTS action_point_lead_org_item;",
    "DROP INDEX IF EXISTS action_point_focal_person_item;",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
    *(
        f"CREATE INDEX action_point_{column}_trgm ON actions_actionpoint"
        f" USING gin (UPPER({column}::text) gin_trgm_ops);"
        for column in ("code", "title", "description")
    ),
    "CREATE INDEX action_point_due_desc ON actions_actionpoint (due_date DESC NULLS LAST);",
]
POSTGRES_BACKWARD = [
    *(
        f"DROP INDEX IF EXISTS action_point_{column}_trgm;"
        for column in ("code", "title", "description")
    ),
    "DROP INDEX IF EXISTS action_point_due_desc;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in statements_by_vendor.get(vendor, statements_by_vendor.get("*", [])):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0003_digest_delivery_one_per_person_week"),
        ("participants", "0002_role_groups"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actionpoint",
            index=models.Index(
                fields=["area", "status", "due_date", "id"], name="action_point_area_status"
            ),
        ),
        migrations.AddIndex(
            model_name="actionpoint",
            index=models.Index(
                condition=models.Q(("status__in", ("done", "dropped")), _negated=True),
                fields=["due_date", "code", "id"],
                name="action_point_open_due",
            ),
        ),
        migrations.AddIndex(
            model_name="actionpoint",
            index=models.Index(fields=["due_date"], name="action_point_due"),
        ),
        migrations.RunPython(
            _run({"*": PORTABLE_FORWARD, "postgresql": PORTABLE_FORWARD + POSTGRES_FORWARD}),
            _run({"*": PORTABLE_BACKWARD, "postgresql": PORTABLE_BACKWARD + POSTGRES_BACKWARD}),
        ),
    ]
