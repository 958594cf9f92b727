"""The filtered action point list as CSV, HXL-tagged CSV and Excel.

Rows are read as plain values in chunks (``export_rows``) and written as they come: the
CSV is streamed to the client, the workbook is written by openpyxl's write-only mode to a
temporary file that spills to disk. Neither holds the whole list in memory.
Which columns an export carries is decided by the caller (``spreadsheet_format.columns_for``):
staff e-mails only for coordinators.
"""

import csv
import datetime
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actions.models import ActionPoint, Status

from .columns import Column, neutralise

CHUNK_SIZE = 1000
# Kept in memory up to this size, then spilled to a temporary file on disk.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Excel shows at most this many characters in a cell, and refuses longer text.
XLSX_CELL_MAX = 32767


# What a row reads of the item, its plan, area, parent and forum, in the order
# ``export_rows`` unpacks them: one statement for all the rows.
_ITEM_FIELDS = (
    "pk", "plan__key", "area__code", "code", "parent__code", "title", "description",
    "status", "due_date", "forum__acronym", "completed_at", "updated_at",
)  # fmt: skip


def export_rows(filtered: QuerySet[ActionPoint], columns: list[Column]) -> Iterator[list[Any]]:
    """The list's filtered rows, each as the values of ``columns``: ints, dates and local
    date-times stay typed; everything else is text.

    Plain values rather than items: building every item, its leads and its focal points as
    model instances took five times as long as the database's own work. The rows come
    through a server-side cursor (PostgreSQL) ``CHUNK_SIZE`` at a time, and each chunk's
    lead organisations and focal points in one query each, so memory stays flat and the
    queries grow by two a chunk, whatever the number of rows."""
    keys = [c.key for c in columns]
    item_url = ActionPoint.url_for_id()
    here = timezone.get_current_timezone()
    # Without the list's prefetch of leads, which would build them as instances.
    rows = (
        filtered.prefetch_related(None).values_list(*_ITEM_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    )
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [row[0] for row in chunk]
        leads = _lead_acronyms(ids)
        focal_points = _focal_points(ids)
        for (pk, plan, area, code, parent, title, description, status, due_date, forum,
             completed_at, updated_at) in chunk:  # fmt: skip
            names, emails = focal_points.get(pk, ("", ""))
            everything = {
                "id": pk,
                "plan": plan,
                "area": area,
                "code": code,
                "parent": parent or "",
                "title": title,
                "description": description,
                "status": status,
                "due_date": due_date,
                "leads": leads.get(pk, ""),
                "forum": forum or "",
                "focal_points": names,
                "focal_emails": emails,
                "completed_at": _local(completed_at, here),
                "updated_at": _local(updated_at, here),
                "url": settings.SITE_URL + item_url(pk),
            }
            yield [everything[key] for key in keys]


def _lead_acronyms(ids: list[int]) -> dict[int, str]:
    """Item id → its lead organisations' acronyms, in the organisations' order."""
    acronyms: dict[int, list[str]] = defaultdict(list)
    leads = (
        ActionPoint.lead_organizations.through.objects.filter(actionpoint_id__in=ids)
        .order_by("organization__acronym")
        .values_list("actionpoint_id", "organization__acronym")
    )
    for item_id, acronym in leads:
        acronyms[item_id].append(acronym)
    return {item_id: ", ".join(found) for item_id, found in acronyms.items()}


def _focal_points(ids: list[int]) -> dict[int, tuple[str, str]]:
    """Item id → its focal points as "First Last (ACRONYM), …" and their e-mails, in the
    people's order (``Person.Meta.ordering``, then by id, so that namesakes keep theirs)."""
    names: dict[int, list[str]] = defaultdict(list)
    emails: dict[int, list[str]] = defaultdict(list)
    rows = (
        ActionPoint.focal_points.through.objects.filter(actionpoint_id__in=ids)
        .order_by("person__last_name", "person__first_name", "person_id")
        .values_list(
            "actionpoint_id",
            "person__first_name",
            "person__last_name",
            "person__organization__acronym",
            "person__email",
        )
    )
    for item_id, first_name, last_name, acronym, email in rows:
        # The name as ``Person.full_name`` writes it.
        names[item_id].append(f"{first_name} {last_name} ({acronym})")
        if email:
            emails[item_id].append(email)
    return {
        item_id: (", ".join(found), ", ".join(emails.get(item_id, [])))
        for item_id, found in names.items()
    }


def _local(moment: datetime.datetime | None, here: datetime.tzinfo) -> datetime.datetime | None:
    # Site time, to the second: what the pages show, and what a reader of the file expects.
    return timezone.localtime(moment, here).replace(microsecond=0) if moment else None


# --- CSV and HXL -------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns what it was given, for ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[list[Any]], columns: list[Column], *, hxl: bool = False
) -> Iterator[bytes]:
    """The CSV of ``export_rows``, line by line, UTF-8. Plain CSV starts with a byte order
    mark, without which Excel misreads non-ASCII text (Arabic names); the HXL file has
    none, as HXL tools expect, and a hashtag row under the header."""
    writer = csv.writer(_Echo())
    if not hxl:
        yield "\ufeff".encode()
    yield writer.writerow([str(c.header) for c in columns]).encode()
    if hxl:
        yield writer.writerow([c.hxl for c in columns]).encode()
    # How each column's values are written, chosen once per column rather than per value.
    cells = [_CSV_CELLS.get(c.kind, _csv_text) for c in columns]
    for row in rows:
        yield writer.writerow([cell(v) for cell, v in zip(cells, row, strict=True)]).encode()


def _csv_text(value: str | None) -> str:
    return neutralise(value) if value else ""


def _csv_number(value: int | None) -> str:
    return "" if value is None else str(value)


def _csv_date(value: datetime.date | None) -> str:
    # Dates, and date-times with their UTC offset.
    return value.isoformat() if value else ""


_CSV_CELLS: dict[str, Callable[[Any], str]] = {
    "int": _csv_number,
    "date": _csv_date,
    "datetime": _csv_date,
}


# --- Excel -----------------------------------------------------------------------------


def write_xlsx(
    rows: Iterable[list[Any]],
    columns: list[Column],
    *,
    about: list[tuple[str, str]],
    sheet_title: str,
) -> IO[bytes]:
    """The workbook of ``export_rows`` in a temporary file (rewound): the rows on a first
    sheet with a frozen header, widths, real dates and a status list; ``about`` (what was filtered,
    when, by whom) on a second sheet, with the number of rows."""
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
    _status_choices(sheet, columns, last_row)

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


def _status_choices(sheet, columns: list[Column], last_row: int) -> None:
    """A drop-down of the status values on the status column, for editing the file."""
    keys = [c.key for c in columns]
    if "status" not in keys:
        return
    letter = get_column_letter(keys.index("status") + 1)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(Status.values) + '"', allow_blank=True
    )
    validation.error = _("Choose one of: %(values)s") % {"values": ", ".join(Status.values)}
    validation.showErrorMessage = True
    # The rows below the data too, so that rows added by hand get the list.
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


def filter_summary(form) -> list[tuple[str, str]]:
    """The filters of a valid list form in words, e.g. ``("Status", "Blocked, Done")``."""
    summary = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name == "page" or value in (None, "", []):
            continue
        choices = {str(k): str(v) for k, v in getattr(field, "choices", [])}
        if isinstance(value, list):
            text = ", ".join(choices.get(str(v), str(v)) for v in value)
        elif isinstance(value, datetime.date):
            text = value.isoformat()
        elif name == "overdue":
            text = _("yes")
        elif hasattr(value, "acronym"):
            text = value.acronym
        else:
            text = choices.get(str(value), str(value))
        summary.append((str(field.label), text))
    return summary


def export_filename(extension: str, now: datetime.datetime | None = None) -> str:
    """e.g. ``action-points-2025-03-01-0930.xlsx``, in site time."""
    moment = timezone.localtime(now)
    return f"action-points-{moment:%Y-%m-%d-%H%M}.{extension}"
