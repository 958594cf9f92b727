"""The journal's immutability triggers, made again once every column is in place.

On SQLite a migration that adds a column to the journal, or changes one of its constraints,
rebuilds the table and drops its triggers; the migrations before this one each made them
again as they knew them. This one makes them as migration 0013 defines them (the journal's
only allowed changes: clearing a deleted author, redacting, anonymising, removing sample
rows), from the table's columns as they are now. PostgreSQL compares whole rows, so there
this only replaces the function with the same one. A later migration that touches the
journal's table must call ``create_triggers`` again.
"""

import importlib

from django.db import migrations

_privacy = importlib.import_module("actions.migrations.0013_journal_privacy")


class Migration(migrations.Migration):
    dependencies = [("actions", "0018_partners_links")]

    operations = [
        migrations.RunPython(_privacy.create_triggers, migrations.RunPython.noop),
    ]
