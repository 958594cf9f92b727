"""Django's SQLite backend, emptying the journal last when a database is flushed.

The journal's triggers (migration actions 0009) let a journal row be deleted only once its
action point is gone; ``flush`` (tests, ``manage.py flush``) empties tables in no set order.
PostgreSQL truncates, which fires no row trigger, so it needs nothing of the kind.
"""

from collections.abc import Sequence
from typing import Any

from django.db.backends.sqlite3 import base, operations

JOURNAL_TABLE = "actions_actionupdate"


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self,
        style: Any,
        tables: Sequence[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        # sorted() is stable and False < True: the journal goes last, the rest keep their order.
        tables = sorted(tables, key=lambda table: table == JOURNAL_TABLE)
        return super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
