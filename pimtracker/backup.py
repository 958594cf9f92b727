"""Backups of the whole database, and restoring one.

PostgreSQL: ``pg_dump`` in its custom format, restored with ``pg_restore`` in one
transaction (a restore that fails leaves the database as it was). SQLite: the online backup
API, which copies a consistent snapshot while the site keeps running.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from actions.models import ActionPlan, ActionPoint
from participants.models import Organization, Person


class BackupError(Exception):
    """The backup or restore could not be made; the message says why."""


def _postgres_command(program: str) -> tuple[list[str], dict[str, str]]:
    params = connection.settings_dict
    command = [program, "--no-owner", "--no-privileges"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            command += [flag, str(params[key])]
    environment = dict(os.environ)
    if params.get("PASSWORD"):
        environment["PGPASSWORD"] = str(params["PASSWORD"])
    return command, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(done.stderr.strip() or f"{command[0]} exited with {done.returncode}")


def backup(path: Path) -> None:
    """Write a backup of the whole database to ``path`` (replaced if it exists)."""
    if connection.vendor == "postgresql":
        command, environment = _postgres_command("pg_dump")
        command += ["--format=custom", "--file", str(path), connection.settings_dict["NAME"]]
        _run(command, environment)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
    else:
        raise BackupError(f"no backup for {connection.vendor} databases")


def is_empty() -> bool:
    """No plan, item, organisation, person or account: nothing a restore could destroy."""
    models = (ActionPlan, ActionPoint, Organization, Person, get_user_model())
    return not any(model.objects.exists() for model in models)


def restore(path: Path) -> None:
    """Replace the whole database with the backup at ``path``. The caller checks
    ``is_empty`` first: this overwrites everything."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    if connection.vendor == "postgresql":
        command, environment = _postgres_command("pg_restore")
        command += [
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            connection.settings_dict["NAME"],
            str(path),
        ]
        connection.close()  # our idle connection would hold locks the restore needs
        _run(command, environment)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.execute("PRAGMA schema_version").fetchone()  # fails early on a non-database
            source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path}: not an SQLite backup ({exc})") from exc
        finally:
            source.close()
    else:
        raise BackupError(f"no restore for {connection.vendor} databases")
    ContentType.objects.clear_cache()
