"""Database triggers for the two rules a check constraint cannot express.

A sub-item's parent, and an item's area, must belong to the item's plan. The service and
the forms check this too; the triggers make sure that no other write path can break it.
"""

from django.db import migrations

MESSAGE = "action point: parent and area must belong to the same plan"

SQLITE_CONDITION = """
    (NEW.parent_id IS NOT NULL
     AND (SELECT plan_id FROM actions_actionpoint WHERE id = NEW.parent_id) != NEW.plan_id)
    OR (SELECT plan_id FROM actions_area WHERE id = NEW.area_id) != NEW.plan_id
    OR EXISTS (SELECT 1 FROM actions_actionpoint child
               WHERE child.parent_id = NEW.id AND child.plan_id != NEW.plan_id)
"""

SQLITE_FORWARD = [
    f"""CREATE TRIGGER actionpoint_same_plan_insert BEFORE INSERT ON actions_actionpoint
        WHEN {SQLITE_CONDITION}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER actionpoint_same_plan_update
        BEFORE UPDATE OF plan_id, parent_id, area_id ON actions_actionpoint
        WHEN {SQLITE_CONDITION}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS actionpoint_same_plan_insert;",
    "DROP TRIGGER IF EXISTS actionpoint_same_plan_update;",
]

POSTGRES_FORWARD = [
    f"""CREATE FUNCTION actionpoint_same_plan() RETURNS trigger AS $$
    BEGIN
        IF (NEW.parent_id IS NOT NULL AND
            (SELECT plan_id FROM actions_actionpoint WHERE id = NEW.parent_id) <> NEW.plan_id)
           OR (SELECT plan_id FROM actions_area WHERE id = NEW.area_id) <> NEW.plan_id
           OR EXISTS (SELECT 1 FROM actions_actionpoint child
                      WHERE child.parent_id = NEW.id AND child.plan_id <> NEW.plan_id)
        THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER actionpoint_same_plan
        BEFORE INSERT OR UPDATE OF plan_id, parent_id, area_id ON actions_actionpoint
        FOR EACH ROW EXECUTE FUNCTION actionpoint_same_plan();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS actionpoint_same_plan ON actions_actionpoint;",
    "DROP FUNCTION IF EXISTS actionpoint_same_plan();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
