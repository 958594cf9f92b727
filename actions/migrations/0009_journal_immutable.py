"""The journal, immutable in the database: triggers refuse UPDATE and DELETE of its rows.

Two writes stay possible, both of which leave the record as it was:
- clearing ``author_id`` when the author's account is deleted (``on_delete=SET_NULL``):
  the row keeps the name, in ``author_name``, added and filled here;
- deleting the rows of an action point that no longer exists: the synthetic benchmark data
  is removed item first, and a test database is emptied table by table.

On SQLite a later migration that rebuilds this table drops its triggers with it: such a
migration must create them again.
"""

from django.db import migrations, models

MESSAGE = "journal entries are immutable"

# Every column but author_id, compared old to new. A column added later must join the list.
SQLITE_SAME_ROW = " AND ".join(
    f"NEW.{c} IS OLD.{c}"
    for c in (
        "id",
        "action_point_id",
        "author_name",
        "created_at",
        "kind",
        "status_before",
        "status_after",
        "note",
        "changes",
        "version",
    )
)

SQLITE_FORWARD = [
    f"""CREATE TRIGGER actionupdate_immutable_update BEFORE UPDATE ON actions_actionupdate
        WHEN NOT (OLD.author_id IS NOT NULL AND NEW.author_id IS NULL AND {SQLITE_SAME_ROW})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER actionupdate_immutable_delete BEFORE DELETE ON actions_actionupdate
        WHEN EXISTS (SELECT 1 FROM actions_actionpoint WHERE id = OLD.action_point_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS actionupdate_immutable_update;",
    "DROP TRIGGER IF EXISTS actionupdate_immutable_delete;",
]

POSTGRES_FORWARD = [
    f"""CREATE FUNCTION actionupdate_immutable() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.author_id IS NOT NULL AND NEW.author_id IS NULL
           AND to_jsonb(NEW) - 'author_id' = to_jsonb(OLD) - 'author_id' THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' AND NOT EXISTS (
            SELECT 1 FROM actions_actionpoint WHERE id = OLD.action_point_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER actionupdate_immutable BEFORE UPDATE OR DELETE ON actions_actionupdate
        FOR EACH ROW EXECUTE FUNCTION actionupdate_immutable();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS actionupdate_immutable ON actions_actionupdate;",
    "DROP FUNCTION IF EXISTS actionupdate_immutable();",
]


def fill_author_names(apps, schema_editor):
    ActionUpdate = apps.get_model("actions", "ActionUpdate")
    User = apps.get_model("auth", "User")
    Person = apps.get_model("participants", "Person")
    people = Person.objects.exclude(user=None)
    names = {p.user_id: f"{p.first_name} {p.last_name}".strip() for p in people}
    authors = ActionUpdate.objects.exclude(author=None).values_list("author_id", flat=True)
    for user in User.objects.filter(pk__in=authors.distinct()):
        name = names.get(user.pk) or user.username
        ActionUpdate.objects.filter(author_id=user.pk).update(author_name=name)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0008_glossary_terms_of_the_2017_report"),
        ("participants", "0002_role_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionupdate",
            name="author_name",
            field=models.CharField(blank=True, max_length=300, verbose_name="author's name"),
        ),
        migrations.RunPython(fill_author_names, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
