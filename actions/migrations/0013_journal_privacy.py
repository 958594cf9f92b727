"""Data responsibility in the journal: the fields, and the four writes the triggers allow.

The journal stays immutable (migration 0009) except for exactly these writes:
- clearing ``author_id`` when the author's account is deleted (as before);
- **redacting** a note: ``note`` becomes ``[redacted]`` and ``redacted_at``,
  ``redacted_by_name`` and ``redaction_reason`` are set, once; nothing else changes;
- **anonymising** an author who left for good: ``author_name`` replaced, ``author_id``
  cleared or kept, ``author_anonymised`` set, once; nothing else changes;
- **deleting sample rows** (``is_sample``, written by ``load_demo``), so that
  ``load_demo --remove`` leaves the plan as a plain import does; and, as before, the rows of
  an action point that no longer exists.

Adding a column rebuilds the table on SQLite, which drops its triggers: this migration
creates them after its fields, from the table's columns as they are then. A later migration
that adds a column to the journal must create them again (``create_triggers`` here).
"""

import importlib

from django.db import migrations, models

MESSAGE = "journal entries are immutable"
TABLE = "actions_actionupdate"
REDACTED = "[redacted]"  # actions.journal_privacy.REDACTED_NOTE

CLEAR_AUTHOR = {"author_id"}
REDACT = {"note", "redacted_at", "redacted_by_name", "redaction_reason"}
ANONYMISE = {"author_name", "author_id", "author_anonymised"}

TRIGGER_NAMES = ("actionupdate_immutable_update", "actionupdate_immutable_delete")


def _sqlite_same(columns: list[str], allowed: set[str]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns if c not in allowed)


def _sqlite(columns: list[str]) -> list[str]:
    clear = (
        "(OLD.author_id IS NOT NULL AND NEW.author_id IS NULL AND "
        f"{_sqlite_same(columns, CLEAR_AUTHOR)})"
    )
    redact = (
        f"(OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL AND NEW.note = '{REDACTED}'"
        " AND NEW.redacted_by_name <> '' AND NEW.redaction_reason <> '' AND "
        f"{_sqlite_same(columns, REDACT)})"
    )
    anonymise = (
        "(NOT OLD.author_anonymised AND NEW.author_anonymised"
        " AND (NEW.author_id IS NULL OR NEW.author_id IS OLD.author_id) AND "
        f"{_sqlite_same(columns, ANONYMISE)})"
    )
    return [
        *_sqlite_drop(),
        f"""CREATE TRIGGER actionupdate_immutable_update BEFORE UPDATE ON {TABLE}
            WHEN NOT ({clear} OR {redact} OR {anonymise})
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        f"""CREATE TRIGGER actionupdate_immutable_delete BEFORE DELETE ON {TABLE}
            WHEN NOT OLD.is_sample
             AND EXISTS (SELECT 1 FROM actions_actionpoint WHERE id = OLD.action_point_id)
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    ]


def _sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name};" for name in TRIGGER_NAMES]


def _pg_without(allowed: set[str]) -> str:
    keys = ", ".join(f"'{c}'" for c in sorted(allowed))
    return f"to_jsonb(NEW) - ARRAY[{keys}] = to_jsonb(OLD) - ARRAY[{keys}]"


# PostgreSQL compares whole rows as JSON, so a column added later is covered without a
# new trigger.
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION actionupdate_immutable() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.author_id IS NOT NULL AND NEW.author_id IS NULL
           AND {_pg_without(CLEAR_AUTHOR)} THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
           AND NEW.note = '{REDACTED}' AND NEW.redacted_by_name <> ''
           AND NEW.redaction_reason <> '' AND {_pg_without(REDACT)} THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND NOT OLD.author_anonymised AND NEW.author_anonymised
           AND (NEW.author_id IS NULL OR NEW.author_id IS NOT DISTINCT FROM OLD.author_id)
           AND {_pg_without(ANONYMISE)} THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' AND (OLD.is_sample OR NOT EXISTS (
            SELECT 1 FROM actions_actionpoint WHERE id = OLD.action_point_id)) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;""",
]


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, TABLE)
            ]
        for statement in _sqlite(columns):
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _sqlite_drop():
            schema_editor.execute(statement)


def restore_0009_triggers(apps, schema_editor):
    earlier = importlib.import_module("actions.migrations.0009_journal_immutable")
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [*_sqlite_drop(), *earlier.SQLITE_FORWARD]
    elif vendor == "postgresql":
        statements = [
            *earlier.POSTGRES_BACKWARD,
            *earlier.POSTGRES_FORWARD,
        ]
    else:
        statements = []
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0012_the_2017_items_were_agreed_at_the_training"),
    ]

    operations = [
        # Undone last: the table is then back to 0009's columns, and so are its triggers.
        migrations.RunPython(migrations.RunPython.noop, restore_0009_triggers),
        migrations.AddField(
            model_name="actionupdate",
            name="pii_confirmed",
            field=models.BooleanField(
                default=False,
                help_text="The text looked like personal data and its writer confirmed it.",
                verbose_name="personal data confirmed",
            ),
        ),
        migrations.AddField(
            model_name="actionupdate",
            name="redacted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="redacted"),
        ),
        migrations.AddField(
            model_name="actionupdate",
            name="redacted_by_name",
            field=models.CharField(blank=True, max_length=300, verbose_name="redacted by"),
        ),
        migrations.AddField(
            model_name="actionupdate",
            name="redaction_reason",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="reason for redaction"
            ),
        ),
        migrations.AddField(
            model_name="actionupdate",
            name="is_sample",
            field=models.BooleanField(default=False, verbose_name="sample data"),
        ),
        migrations.AddField(
            model_name="actionupdate",
            name="author_anonymised",
            field=models.BooleanField(default=False, verbose_name="author anonymised"),
        ),
        migrations.AddIndex(
            model_name="actionupdate",
            index=models.Index(
                condition=models.Q(("is_sample", True)),
                fields=["action_point"],
                name="action_update_sample",
            ),
        ),
        # Undone first: SQLite refuses to drop a column that a trigger names.
        migrations.RunPython(create_triggers, drop_sqlite_triggers),
    ]
