"""Plan order from one index: a copy of the area's order on each action point.

The list, "My items", the plan page and the digests show items in plan order (area by
area, then position and code). Ordered by ``area.order``, a column of another table,
PostgreSQL sorts every joined row for every page; ordered by ``area_order`` on the item
itself, it reads a page from the (plan, area_order, position, code, id) index and stops.

Items are written by the service, the admin, imports and ``bulk_create`` (the synthetic
data set), so the copy is kept by triggers, as the same-plan rules of 0002 are: on insert
of an item and on a change of its area (or of the copy itself), the item takes its area's
order; on a change of an area's order, its items take the new one. The triggers write
``area_order`` alone: an item's ``version`` and journal are the record of changes people
make, and a derived column is not one.

SQLite rebuilds the table to add a NOT NULL column, which drops its triggers: the same-plan
triggers of 0002 are created again after it (and again after the column is removed, going
backward).
"""

import importlib

from django.db import migrations, models

SAME_PLAN = importlib.import_module("actions.migrations.0002_same_plan_triggers")

BACKFILL = """
    UPDATE actions_actionpoint SET area_order = (
        SELECT "order" FROM actions_area WHERE actions_area.id = actions_actionpoint.area_id
    );
"""

# An area that does not exist gives 0 below, so that the foreign key is what refuses the write.
# SQLite cannot assign NEW in a BEFORE trigger: AFTER triggers correct the row instead. The
# WHEN clauses skip rows already right, which also ends the update's own trigger run.
SQLITE_FORWARD = [
    """CREATE TRIGGER actionpoint_area_order_insert AFTER INSERT ON actions_actionpoint
        WHEN NEW.area_order IS NOT
             COALESCE((SELECT "order" FROM actions_area WHERE id = NEW.area_id), 0)
        BEGIN
            UPDATE actions_actionpoint
            SET area_order = COALESCE((SELECT "order" FROM actions_area WHERE id = NEW.area_id), 0)
            WHERE id = NEW.id;
        END;""",
    """CREATE TRIGGER actionpoint_area_order_update
        AFTER UPDATE OF area_id, area_order ON actions_actionpoint
        WHEN NEW.area_order IS NOT
             COALESCE((SELECT "order" FROM actions_area WHERE id = NEW.area_id), 0)
        BEGIN
            UPDATE actions_actionpoint
            SET area_order = COALESCE((SELECT "order" FROM actions_area WHERE id = NEW.area_id), 0)
            WHERE id = NEW.id;
        END;""",
    """CREATE TRIGGER area_order_to_action_points AFTER UPDATE OF "order" ON actions_area
        WHEN NEW."order" IS NOT OLD."order"
        BEGIN
            UPDATE actions_actionpoint SET area_order = NEW."order" WHERE area_id = NEW.id;
        END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS actionpoint_area_order_insert;",
    "DROP TRIGGER IF EXISTS actionpoint_area_order_update;",
    "DROP TRIGGER IF EXISTS area_order_to_action_points;",
]

POSTGRES_FORWARD = [
    """CREATE FUNCTION actionpoint_area_order() RETURNS trigger AS $$
    BEGIN
        NEW.area_order := COALESCE((SELECT "order" FROM actions_area WHERE id = NEW.area_id), 0);
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER actionpoint_area_order
        BEFORE INSERT OR UPDATE OF area_id, area_order ON actions_actionpoint
        FOR EACH ROW EXECUTE FUNCTION actionpoint_area_order();""",
    """CREATE FUNCTION area_order_to_action_points() RETURNS trigger AS $$
    BEGIN
        UPDATE actions_actionpoint SET area_order = NEW."order" WHERE area_id = NEW.id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER area_order_to_action_points
        AFTER UPDATE OF "order" ON actions_area
        FOR EACH ROW WHEN (NEW."order" IS DISTINCT FROM OLD."order")
        EXECUTE FUNCTION area_order_to_action_points();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS actionpoint_area_order ON actions_actionpoint;",
    "DROP FUNCTION IF EXISTS actionpoint_area_order();",
    "DROP TRIGGER IF EXISTS area_order_to_action_points ON actions_area;",
    "DROP FUNCTION IF EXISTS area_order_to_action_points();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


# The same-plan triggers, as 0002 creates them, on a table SQLite has just rebuilt.
RESTORE_SAME_PLAN = _run({"sqlite": SAME_PLAN.SQLITE_BACKWARD + SAME_PLAN.SQLITE_FORWARD})


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0005_api_token"),
        ("participants", "0002_role_groups"),
    ]

    operations = [
        # Backward, this runs last: after the column is removed and the table rebuilt.
        migrations.RunPython(migrations.RunPython.noop, RESTORE_SAME_PLAN),
        migrations.AddField(
            model_name="actionpoint",
            name="area_order",
            field=models.PositiveSmallIntegerField(
                db_default=0, default=0, editable=False, verbose_name="area order"
            ),
        ),
        migrations.RunPython(RESTORE_SAME_PLAN, migrations.RunPython.noop),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="actionpoint",
            index=models.Index(
                fields=["plan", "area_order", "position", "code", "id"],
                name="action_point_plan_order",
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
        migrations.AlterModelOptions(
            name="actionpoint",
            options={
                "ordering": ["plan_id", "area_order", "position", "code"],
                "verbose_name": "action point",
                "verbose_name_plural": "action points",
            },
        ),
    ]
