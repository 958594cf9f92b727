"""Uploaded spreadsheets (Excel .xlsx or CSV) read into a header and numbered rows.

``read_spreadsheet`` checks the file before it reads it: its size, that its content is
what its name says (a .xlsx is a zip holding a workbook, a .csv is UTF-8 text), and that
a workbook does not unpack to far more than it weighs nor reach far down the sheet
(``workbook_limits``, which also bounds the time spent reading). Every refusal is a
``SpreadsheetError`` whose message says what to do. Nothing is written anywhere: the
caller holds the bytes, and they are gone with the request.

Rows are numbered as the spreadsheet shows them (the header is row 1 in an exported
file), so that an error message points at the row the reader sees. A row of HXL hashtags
under the header (``.hxl.csv`` exports) is skipped.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from .workbook_limits import ReadingClock, WorkbookTooLarge, check_workbook

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
EXTENSIONS = (".xlsx", ".csv")

Cell = str | int | float | datetime.date | datetime.datetime | None


class SpreadsheetError(Exception):
    """A file that cannot be read at all; ``errors`` says why, in words for its user."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.source = source
        self.errors = list(errors)
        super().__init__(f"{source}: " + "; ".join(self.errors))


@dataclass(frozen=True)
class Sheet:
    source: str  # the file's name, for messages and the journal
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number, cells), empty rows left out


def read_spreadsheet(data: bytes, name: str, *, max_bytes: int | None = MAX_UPLOAD_BYTES) -> Sheet:
    """Check and read an uploaded .xlsx or .csv file; raises ``SpreadsheetError``."""
    source = PurePath(name).name or "upload"
    suffix = PurePath(source).suffix.lower()
    if suffix not in EXTENSIONS:
        hint = _(" Save it as an Excel workbook (.xlsx).") if suffix in (".xls", ".ods") else ""
        raise SpreadsheetError(source, [_("Only .xlsx and .csv files can be imported.") + hint])
    if max_bytes is not None:
        check_size(len(data), source, max_bytes)
    if not data.strip():
        raise SpreadsheetError(source, [_("The file is empty.")])
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix == ".xlsx":
        if not is_zip:
            raise SpreadsheetError(
                source, [_("This is not an Excel workbook, although its name ends in .xlsx.")]
            )
        rows = _xlsx_rows(data, source)
    else:
        if is_zip or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise SpreadsheetError(
                source,
                [_("This is a workbook, not CSV text: save it as .xlsx, or as “CSV UTF-8”.")],
            )
        rows = _csv_rows(data, source)
    return _sheet(source, rows)


def check_size(size: int, name: str, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse a file larger than ``max_bytes``, before anyone reads it."""
    if size > max_bytes:
        raise SpreadsheetError(
            PurePath(name).name,
            [
                _("The file is %(size)s MB; at most %(max)s MB can be imported.")
                % {"size": f"{size / 2**20:.1f}", "max": f"{max_bytes / 2**20:.0f}"}
            ],
        )


def _xlsx_rows(data: bytes, source: str) -> list[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise SpreadsheetError(source, [_("This zip file holds no Excel workbook.")])
            check_workbook(archive, len(data))
    except WorkbookTooLarge as exc:
        raise SpreadsheetError(source, [exc.message]) from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError(source, [_("The workbook is damaged and cannot be read.")]) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a malformed workbook
        raise SpreadsheetError(source, [_("The workbook is damaged and cannot be read.")]) from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(source, [_("The workbook has no sheet.")])
        sheet = workbook.worksheets[0]
        # Some programs write a wrong size for the sheet; read what is really there.
        sheet.reset_dimensions()
        rows = []
        clock = ReadingClock()
        for number, values in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            clock.check()
            cells = [_xlsx_cell(v) for v in values]
            if any(c is not None for c in cells):
                rows.append((number, cells))
                _check_row_count(rows, source)
        return rows
    except SpreadsheetError:
        raise
    except WorkbookTooLarge as exc:
        raise SpreadsheetError(source, [exc.message]) from exc
    except Exception as exc:
        raise SpreadsheetError(source, [_("The workbook is damaged and cannot be read.")]) from exc
    finally:
        workbook.close()


def _xlsx_cell(value: Any) -> Cell:
    if value is None or isinstance(value, datetime.date | int | float):
        return None if isinstance(value, bool) else value
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    text = str(value)
    return text if text.strip() else None


def _csv_rows(data: bytes, source: str) -> list[tuple[int, list[Cell]]]:
    if b"\x00" in data:
        raise SpreadsheetError(source, [_("This is not a text file, so not CSV.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            source,
            [
                _(
                    "The file is not UTF-8 text (byte %(byte)d). In Excel, save it as "
                    "“CSV UTF-8 (comma delimited)”."
                )
                % {"byte": exc.start + 1}
            ],
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Excel writes semicolons where the decimal mark is a comma; tabs are pasted text.
    delimiter = max(",;\t", key=first_line.count)
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for number, values in enumerate(reader, start=1):
            cells: list[Cell] = [v if v.strip() else None for v in values[:MAX_COLUMNS]]
            if any(c is not None for c in cells):
                rows.append((number, cells))
                _check_row_count(rows, source)
    except csv.Error as exc:
        raise SpreadsheetError(
            source,
            [
                _("The CSV is malformed near row %(row)d: %(reason)s.")
                % {"row": reader.line_num, "reason": exc}
            ],
        ) from exc
    return rows


def _check_row_count(rows: list, source: str) -> None:
    if len(rows) > MAX_ROWS + 2:  # the header and a hashtag row
        raise SpreadsheetError(
            source,
            [_("The file has more than %(max)d rows; import it in parts.") % {"max": MAX_ROWS}],
        )


def _sheet(source: str, rows: list[tuple[int, list[Cell]]]) -> Sheet:
    if not rows:
        raise SpreadsheetError(source, [_("The file has no rows.")])
    header_row, header_cells = rows[0]
    headers = [str(c).strip() if c is not None else "" for c in header_cells]
    body = rows[1:]
    if body and _is_hashtag_row(body[0][1]):
        body = body[1:]
    return Sheet(source=source, header_row=header_row, headers=headers, rows=body)


def _is_hashtag_row(cells: list[Cell]) -> bool:
    texts = [c for c in cells if c is not None]
    return bool(texts) and all(isinstance(c, str) and c.strip().startswith("#") for c in texts)
