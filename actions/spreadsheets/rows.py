"""Spreadsheet rows read into checked values, ready for a preview (``spreadsheet_import``).

``parse_sheet`` maps the file's headers to the columns of ``spreadsheet_format.COLUMNS``
(in English or in the language in use, a few aliases accepted) and checks each cell on its
own: required texts, lengths, dates written as YYYY-MM-DD or typed as dates, status values
or labels, acronyms and e-mails separated by commas or semicolons. Each problem becomes a
``RowError`` naming the row and the column as the file writes them. The parsed file holds
only texts, lists and ISO dates, so that it can wait as JSON between preview and apply.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import override

from actions.models import Status
from actions.tables import restore
from pimtracker.text_limits import TEXT_MAX_LENGTH

from .columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    REQUIRED_KEYS,
    header_names,
    normalise_header,
    split_list,
)
from .reading import Cell, Sheet

ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the header as the file writes it; "" for the whole file or row
    message: str


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]  # JSON-friendly: texts, lists of texts, ISO dates or None


@dataclass
class ParsedFile:
    """The file's rows, each cell checked on its own; kept between preview and apply."""

    source: str
    columns: dict[str, str]  # column key -> header as written
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ParsedFile":
        return cls(
            source=data["source"],
            columns=data["columns"],
            rows=[ParsedRow(**r) for r in data["rows"]],
            errors=[RowError(**e) for e in data["errors"]],
            ignored=data["ignored"],
        )


def parse_sheet(sheet: Sheet) -> ParsedFile:
    """Map the headers to columns and check every cell; problems become ``RowError``s."""
    parsed = ParsedFile(source=sheet.source, columns={})
    names = {c.key: header_names(c) for c in COLUMNS}
    index: dict[str, int] = {}
    for position, header in enumerate(sheet.headers):
        if not header:
            continue
        key = next((k for k, n in names.items() if normalise_header(header) in n), None)
        if key is None:
            parsed.ignored.append(header)
        elif key in index:
            parsed.errors.append(RowError(sheet.header_row, header, _("this column appears twice")))
        elif COLUMNS_BY_KEY[key].imported:
            index[key] = position
            parsed.columns[key] = header
    missing = [COLUMNS_BY_KEY[k] for k in REQUIRED_KEYS if k not in index]
    for column in missing:
        parsed.errors.append(
            RowError(sheet.header_row, str(column.header), _("this column is missing"))
        )
    if missing or parsed.errors:
        return parsed
    statuses = _status_names()
    for number, cells in sheet.rows:
        values: dict[str, Any] = {}
        for key, position in index.items():
            cell = cells[position] if position < len(cells) else None
            try:
                values[key] = _parse_cell(key, cell, statuses)
            except ValidationError as error:
                parsed.errors += [RowError(number, parsed.columns[key], m) for m in error.messages]
        parsed.rows.append(ParsedRow(number, values))
    return parsed


def _parse_cell(key: str, cell: Cell, statuses: dict[str, str]) -> Any:
    if key == "due_date":
        return _date(cell)
    text = _text(cell)
    if key == "status":
        if text and _status_key(text) not in statuses:
            raise ValidationError(
                _("“%(value)s” is not a status; write one of %(values)s")
                % {"value": text, "values": ", ".join(Status.values)}
            )
        return statuses.get(_status_key(text), "")
    if key in ("plan", "area", "code", "title") and not text:
        raise ValidationError(_("must not be empty"))
    if key == "leads":
        acronyms = _distinct(split_list(text))
        for acronym in acronyms:
            _check_length(key, acronym, 30)
        return acronyms
    if key == "focal_emails":
        emails = _distinct(e for e in re.split(r"[\s,;]+", text) if e)
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(
                    _("“%(value)s” is not an e-mail address") % {"value": email}
                ) from None
        return emails
    limits = {
        "plan": 100,
        "area": 4,
        "code": 20,
        "parent": 20,
        "title": 200,
        "forum": 30,
        "description": TEXT_MAX_LENGTH,
    }
    if key in limits:
        _check_length(key, text, limits[key])
    return text


def _distinct(values: Iterable[str]) -> list[str]:
    """The values in order, each once whatever its case."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.lower(), value)
    return list(seen.values())


def _check_length(key: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise ValidationError(
            _("%(length)d characters, at most %(max)d allowed")
            % {"length": len(text), "max": limit}
        )


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time():
        cell = cell.date()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    # Line breaks as the site stores them; the apostrophe an export added taken off.
    return restore(str(cell)).replace("\r\n", "\n").replace("\r", "\n").strip()


def _date(cell: Cell) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    text = _text(cell)
    match = ISO_DATE.fullmatch(text) if isinstance(cell, str) else None
    if match:
        try:
            return datetime.date.fromisoformat(match[1]).isoformat()
        except ValueError:
            pass
    raise ValidationError(
        _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2025-03-31") % {"value": text}
    )


def _status_key(text: str) -> str:
    return " ".join(re.sub(r"[_-]", " ", text).split()).lower()


def _status_names() -> dict[str, str]:
    """Status values, and their labels in English and in the language in use."""
    names = {}
    for status in Status:
        names[_status_key(status.value)] = status.value
        names[_status_key(str(status.label))] = status.value
        with override("en"):
            names[_status_key(str(status.label))] = status.value
    return names
