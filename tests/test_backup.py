"""The backup drill: back up, wipe, restore, and every table holds the same rows again.

Runs on the suite's database (SQLite by default, PostgreSQL with DATABASE_URL); CI runs it
on both.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from actions.models import ActionPoint, ActionUpdate
from pimtracker.backup import is_empty


def every_row() -> dict[str, list[str]]:
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
    return rows


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_row(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    before = every_row()
    assert len(before["actions_actionpoint"]) == ActionPoint.objects.count() > 30
    assert ActionUpdate.objects.exists()
    path = tmp_path / "pimtracker.backup"

    call_command("backup", str(path), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert is_empty()
    call_command("restore", str(path), stdout=io.StringIO())

    assert every_row() == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_unless_forced(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    path = tmp_path / "pimtracker.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    ActionPoint.objects.filter(code="A-1").update(title="Changed after the backup")

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert ActionPoint.objects.get(code="A-1").title == "Changed after the backup"

    call_command("restore", str(path), "--force", stdout=io.StringIO())
    assert ActionPoint.objects.get(code="A-1").title != "Changed after the backup"


@pytest.mark.django_db(transaction=True)
def test_restoring_a_file_that_is_no_backup_changes_nothing(tmp_path):
    path = tmp_path / "not-a-backup"
    path.write_bytes(b"this is not a database backup" * 100)
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert is_empty()
