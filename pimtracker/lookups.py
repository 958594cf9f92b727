"""``field__in=[...]`` on an integer field, with values no row can hold left out.

Django leaves out-of-range values of ``exact``, ``lt`` and the like out of the query, but
not those of ``in``: a list of ids such as ``99999999999999999999999`` (a tampered form,
an admin form's many-to-many field) was an OverflowError on SQLite and a database error on
PostgreSQL, so a 500. No row has such an id, so leaving it out changes no answer.
"""

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [value for value in self.rhs if _within(value, low, high)]
        return super().process_rhs(compiler, connection)


def _within(value: object, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int):
        return True
    return (low is None or value >= low) and (high is None or value <= high)


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
