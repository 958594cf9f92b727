"""TOML tables read key by key, each problem reported with the place it comes from.

A ``Table`` wraps one table of a parsed TOML document and a name for it such as
``action_points[22] (C-8.1, line 480)``; its readers check type and value, append a message
to a shared error list instead of raising, and ``finish`` reports the keys nobody asked
for. Plan files (``actions.plan_file``) are read with it.
"""

import datetime
import difflib
import re
from typing import Any

from django.db.models import TextChoices

MISSING = object()


def describe(value: Any) -> str:
    """A TOML value as a reader would name it in an error message."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, datetime.datetime):
        return "a date and time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f'"{value}"'


class Table:
    """One table of the file, read key by key; whatever is left at the end is unknown."""

    def __init__(self, errors: list[str], name: str, data: dict, *, line: int | None = None):
        self.errors, self.name, self.data = errors, name, data
        self.seen: set[str] = set()
        # What identifies the block for a reader: its code, acronym, key or person's name.
        ident = data.get("code") or data.get("acronym") or data.get("key")
        if not isinstance(ident, str) and isinstance(data.get("last_name"), str):
            ident = f"{data.get('first_name', '')} {data['last_name']}".strip()
        label = [ident] if isinstance(ident, str) and ident else []
        if line:
            label.append(f"line {line}")
        self.where = f"{name} ({', '.join(label)})" if label else name

    def error(self, message: str) -> None:
        self.errors.append(f"{self.where}: {message}")

    def get(self, key: str, *, required: bool = False) -> Any:
        self.seen.add(key)
        if key in self.data:
            return self.data[key]
        if required:
            self.error(f'missing required key "{key}"')
        return MISSING

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        max_length: int | None = None,
        pattern: re.Pattern | None = None,
        hint: str = "letters, digits, - and _ only",
    ) -> str:
        value = self.get(key, required=required)
        if value is MISSING:
            return ""
        if not isinstance(value, str):
            self.error(f"{key}: expected text in quotes, got {describe(value)}")
            return ""
        value = value.strip()
        if required and not value:
            self.error(f"{key}: must not be empty")
        elif max_length and len(value) > max_length:
            self.error(f"{key}: {len(value)} characters, at most {max_length} allowed")
        elif pattern and value and not pattern.fullmatch(value):
            self.error(f'{key}: "{value}" is not valid ({hint})')
        else:
            return value
        return ""

    def date(self, key: str, *, required: bool = True) -> datetime.date | None:
        value = self.get(key, required=required)
        if value is MISSING:
            return None
        if type(value) is not datetime.date:
            hint = " (write dates without quotes)" if isinstance(value, str) else ""
            self.error(f"{key}: expected a date like 2017-12-15, got {describe(value)}{hint}")
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if value is MISSING:
            return False
        if not isinstance(value, bool):
            self.error(f"{key}: expected true or false, got {describe(value)}")
            return False
        return value

    def optional_flag(self, key: str) -> bool | None:
        """An optional true/false; None when the key is absent (left as it is in the site)."""
        value = self.get(key)
        if value is MISSING:
            return None
        if not isinstance(value, bool):
            self.error(f"{key}: expected true or false (without quotes), got {describe(value)}")
            return None
        return value

    def choice(self, key: str, choices: type[TextChoices]) -> str:
        value = self.text(key)
        if value and value not in choices.values:
            self.error(f'{key} "{value}" is not one of {", ".join(choices.values)}')
            return ""
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if value is MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f'{key}: expected a list of texts like ["...", "..."]')
            return ()
        texts = tuple(v.strip() for v in value)
        if not all(texts):
            self.error(f"{key}: an entry is empty")
        return texts

    def finish(self) -> None:
        for key in self.data:
            if key not in self.seen:
                near = difflib.get_close_matches(key, self.seen, n=1)
                self.error(
                    f'unknown key "{key}"' + (f' (did you mean "{near[0]}"?)' if near else "")
                )


def tables_of(block: Table, key: str, header: str) -> list[dict]:
    """The array of tables under ``key``, written in the file as ``[[header]]`` blocks."""
    value = block.get(key)
    if value is MISSING:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        prefix = "" if block.name == "top level" else f"{block.where}: "
        block.errors.append(f"{prefix}{key}: expected [[{header}]] blocks")
        return []
    return value


def numbered_tables(top: Table, name: str, text: str) -> list[Table]:
    """The ``[[name]]`` blocks of the document, named ``name[1]``, ``name[2]``..."""
    tables = tables_of(top, name, name)
    lines = header_lines(text, re.escape(name))
    return [
        Table(top.errors, f"{name}[{n}]", data, line=line_of(lines, n, len(tables)))
        for n, data in enumerate(tables, start=1)
    ]


def header_lines(text: str, name: str, *, double: bool = True) -> list[int]:
    """Line numbers of the ``[[name]]`` headers, to point the reader at a block."""
    brackets = (r"\[\[", r"\]\]") if double else (r"\[", r"\]")
    header = re.compile(rf"^[ \t]*{brackets[0]}[ \t]*{name}[ \t]*{brackets[1]}", re.MULTILINE)
    return [text.count("\n", 0, m.start()) + 1 for m in header.finditer(text)]


def line_of(lines: list[int], number: int, expected: int) -> int | None:
    # Headers found by a regular expression may miss a table written another way (inline);
    # then no line is better than a wrong one.
    return lines[number - 1] if len(lines) == expected else None
