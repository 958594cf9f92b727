"""Tables written as files: CSV (plain or HXL-tagged) and Excel workbooks, for every export
of the site (action points, the glossary), and the columns they are made of.

Text cells are neutralised against formula injection: a value that a spreadsheet would
run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return)
gets a leading apostrophe, as OWASP advises, and the import takes it off again.
"""

import csv
import datetime
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

# Kept in memory up to this size, then spilled to a temporary file on disk.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_LINES_PER_CHUNK = 500
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Excel shows at most this many characters in a cell, and refuses longer text.
XLSX_CELL_MAX = 32767


# What a spreadsheet reads as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Apostrophes already at the start are escaped too (one more is added), so that taking one
# off on import gives back exactly the text that was exported.
_NEEDS_ESCAPE = re.compile(r"'*[=+\-@\t\r]")


# Only a text starting with one of these can need it: checked before the pattern, as most
# cells of a 100,000-row export start with none of them.
_ESCAPE_FIRST = frozenset("'=+-@\t\r")


def neutralise(text: str) -> str:
    """The text, made inert for a spreadsheet: ``=1+2`` becomes ``'=1+2``."""
    if text[:1] in _ESCAPE_FIRST and _NEEDS_ESCAPE.match(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The inverse of ``neutralise``, for cells read back by the import."""
    return text[1:] if text.startswith("'") and _NEEDS_ESCAPE.match(text, 1) else text


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    hxl: str
    width: int  # characters, for the workbook
    kind: str = "text"  # text, int, date or datetime
    imported: bool = False
    contact: bool = False  # staff contact details: coordinators' exports only
    aliases: tuple[str, ...] = ()  # other headers the import accepts, lower case
    help: Promise | str = ""  # what the import expects, for the template and the preview


# --- CSV and HXL ----------------------------------------------------------------------


class Echo:
    """A file-like object whose write returns what it was given, for ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[list[Any]], columns: list[Column], *, hxl: bool = False
) -> Iterator[bytes]:
    """The CSV of ``rows`` (values in the order of ``columns``), UTF-8, as ``csv_file``."""
    return csv_file(csv_rows(rows, columns), columns, hxl=hxl)


def csv_file(
    lines: Iterable[bytes], columns: list[Column], *, hxl: bool = False
) -> Iterator[bytes]:
    """The CSV file of ``lines`` (rows written already, UTF-8, CRLF), in pieces. Plain
    CSV starts with a byte order mark, without which Excel misreads non-ASCII text (Arabic
    names); the HXL file has none, as HXL tools expect, and a hashtag row under the header."""
    writer = csv.writer(Echo())
    if not hxl:
        yield "\ufeff".encode()
    yield writer.writerow([str(c.header) for c in columns]).encode()
    if hxl:
        yield writer.writerow([c.hxl for c in columns]).encode()
    # Sent CSV_LINES_PER_CHUNK lines at a time: a write per line cost the server as much
    # as writing the lines.
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == CSV_LINES_PER_CHUNK:
            yield b"".join(chunk)
            chunk.clear()
    if chunk:
        yield b"".join(chunk)


def csv_rows(rows: Iterable[list[Any]], columns: list[Column]) -> Iterator[bytes]:
    """Each of ``rows`` (values in the order of ``columns``) as a CSV line, UTF-8."""
    writer = csv.writer(Echo())
    # What needs writing differently from ``csv``'s own ``str()`` (with None as empty),
    # found once per column rather than per value: text is made inert, date-times keep the
    # ``T`` and their UTC offset (ISO 8601). Numbers and dates are written as they are.
    texts = [i for i, c in enumerate(columns) if c.kind == "text"]
    moments = [i for i, c in enumerate(columns) if c.kind == "datetime"]
    for values in rows:
        row = list(values)
        for i in texts:
            text = row[i]
            if not text:
                row[i] = ""
            elif text[:1] in _ESCAPE_FIRST:
                row[i] = neutralise(text)
        for i in moments:
            if row[i] is not None:
                row[i] = row[i].isoformat()
        yield writer.writerow(row).encode()


# --- Excel -----------------------------------------------------------------------------


# --- Excel -----------------------------------------------------------------------------


def write_xlsx(
    rows: Iterable[list[Any]],
    columns: list[Column],
    *,
    about: list[tuple[str, str]],
    sheet_title: str,
    choices: Mapping[str, Sequence[str]] | None = None,
) -> IO[bytes]:
    """The workbook in a temporary file (rewound): the rows on a first sheet with a frozen
    header, widths, real dates and the drop-downs of ``choices`` (column key -> values);
    ``about`` (what was exported, when, by whom) on a second sheet, with the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    # Header and the columns up to the code stay in view while scrolling.
    frozen = next((i for i, c in enumerate(columns) if c.key == "code"), -1) + 2
    sheet.freeze_panes = f"{get_column_letter(frozen)}2"
    for n, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    count = 0
    for row in rows:
        sheet.append(_xlsx_cells(sheet, row, columns))
        count += 1
    last_row = count + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"
    add_choices(sheet, columns, last_row, choices or {})

    _about_sheet(workbook, [*about, (_("Rows"), str(count))])
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return spool


def _xlsx_cells(sheet, values: list[Any], columns: list[Column]) -> list[Any]:
    cells: list[Any] = []
    for value, column in zip(values, columns, strict=True):
        if value is None or value == "":
            cells.append(None)
        elif column.kind in ("date", "datetime"):
            # The stubs leave out dates, which Cell (that WriteOnlyCell makes) takes.
            cell = WriteOnlyCell(sheet, value=_naive(value))  # type: ignore[arg-type]
            cell.number_format = DATE_FORMAT if column.kind == "date" else DATETIME_FORMAT
            cells.append(cell)
        elif column.kind == "int":
            cells.append(value)
        else:
            cells.append(xlsx_text(str(value)))
    return cells


def _naive(value: datetime.date) -> datetime.date:
    # Excel has no time zones: the local time is written as it reads.
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def xlsx_text(text: str) -> str:
    """Text as a workbook may hold it: inert (see ``neutralise``), without the control
    characters XML cannot carry, line ends as XML reads them back (a carriage return
    becomes a line feed), and not longer than a cell takes."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return neutralise(text)[:XLSX_CELL_MAX]


def add_choices(
    sheet: Any, columns: list[Column], last_row: int, choices: Mapping[str, Sequence[str]]
) -> None:
    """A drop-down of the allowed values on each column named in ``choices``, for editing
    the file, on the rows below the data too (rows added by hand get the list)."""
    keys = [c.key for c in columns]
    for key, values in choices.items():
        if key not in keys:
            continue
        letter = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(
            type="list", formula1='"' + ",".join(values) + '"', allow_blank=True
        )
        validation.error = _("Choose one of: %(values)s") % {"values": ", ".join(values)}
        validation.showErrorMessage = True
        validation.add(f"{letter}2:{letter}{max(last_row, 1) + 1000}")
        sheet.data_validations.append(validation)


def _about_sheet(workbook: Workbook, about: list[tuple[str, str]]) -> None:
    sheet = workbook.create_sheet(_("About this export")[:31])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for label, value in about:
        name = WriteOnlyCell(sheet, value=xlsx_text(label))
        name.font = bold
        text = WriteOnlyCell(sheet, value=xlsx_text(value))
        text.alignment = wrap
        sheet.append([name, text])
