"""The import template: an empty workbook (or CSV) with the imported columns explained."""

import csv
import tempfile
from typing import IO, cast

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from actions.models import ActionPlan, Status
from actions.tables import DATE_FORMAT, XLSX_SPOOL_BYTES, Echo, add_choices

from .columns import IMPORTED_COLUMNS


def template_xlsx() -> IO[bytes]:
    """An empty workbook to fill in: the imported columns, each header with a note saying
    what it takes, a status list, and a second sheet with the same and the site's plans
    and areas (the keys and codes the rows must use)."""
    workbook = Workbook()
    sheet = cast(Worksheet, workbook.active)  # a new workbook has one, a worksheet
    sheet.title = _("Action points")[:31]
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for n, column in enumerate(IMPORTED_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=n, value=str(column.header))
        cell.font = bold
        note = Comment(str(column.help), "PIM Tracker", width=320, height=120)
        cell.comment = note
        sheet.column_dimensions[get_column_letter(n)].width = column.width
        if column.kind == "date":
            for row in range(2, 1002):
                sheet.cell(row=row, column=n).number_format = DATE_FORMAT
    add_choices(sheet, list(IMPORTED_COLUMNS), 1, {"status": Status.values})

    guide = workbook.create_sheet(_("How to fill it in")[:31])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    guide.append([_("Column"), _("What to write")])
    for column in IMPORTED_COLUMNS:
        guide.append([str(column.header), str(column.help)])
    guide.append([])
    guide.append(
        [
            _("Also"),
            _(
                "A column left out of the file is left as it is in the site; an empty cell "
                "in a column that is there clears the field (status excepted). An export of "
                "the list (.xlsx or .csv) imports back as it is: its other columns are "
                "ignored."
            ),
        ]
    )
    guide.append([])
    guide.append([_("Plan key"), _("Plan and its area codes")])
    for plan in ActionPlan.objects.prefetch_related("areas").order_by("key"):
        areas = ", ".join(f"{a.code} {a.name}" for a in plan.areas.all())
        guide.append([plan.key, f"{plan.title}: {areas}"])
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = wrap
    for cell in guide[1]:
        cell.font = bold

    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return spool


def template_csv() -> bytes:
    """The header row of the imported columns, for those who prefer CSV."""
    line = csv.writer(Echo()).writerow([str(c.header) for c in IMPORTED_COLUMNS])
    return ("\ufeff" + line).encode()
