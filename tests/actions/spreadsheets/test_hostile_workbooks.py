"""Tiny workbooks that stand for a great deal of work are refused before openpyxl parses
them, with a message that says what to do, and change nothing.

The two of the security review are built here as they were found: a 4.7 KB workbook
whose one row is numbered 10,000,000, and some 190 KB of empty cells that unpack to about
90 MB. "Before parsing" is what keeps the refusal quick, and it is what these tests
check: openpyxl's reader is made to fail the test if it is ever called.
"""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.spreadsheets import workbook_limits
from actions.spreadsheets.models import PendingImport
from actions.spreadsheets.reading import SpreadsheetError, read_spreadsheet

from .test_import import snapshot, upload, xlsx_file

SHEET = "xl/worksheets/sheet1.xml"


def far_row_workbook() -> bytes:
    """A header, and one cell typed on row 10,000,000 (past what openpyxl writes, as a
    hand-made file can be)."""
    data = xlsx_file([["x"]]).read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(SHEET).decode()
    xml = xml.replace('<row r="2"', '<row r="10000000"').replace('r="A2"', 'r="A10000000"')
    return with_sheet(data, re.sub(r'ref="A1:K2"', 'ref="A1:K10000000"', xml).encode())


def with_sheet(data: bytes, sheet_xml) -> bytes:
    """The workbook with its first sheet replaced by ``sheet_xml`` (bytes, or chunks)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info, source.read(info))
                continue
            with target.open(SHEET, "w") as sheet:
                for chunk in [sheet_xml] if isinstance(sheet_xml, bytes) else sheet_xml:
                    sheet.write(chunk)
    return out.getvalue()


def empty_cells_workbook() -> bytes:
    """9,000 rows of a thousand styled empty cells: some 90 MB of XML (rows and cells
    need not say their number)."""
    row = b"<row>" + b'<c s="0"/>' * 1_000 + b"</row>"

    def chunks():
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        )
        for _ in range(9_000):
            yield row
        yield b"</sheetData></worksheet>"

    return with_sheet(xlsx_file([]).read(), chunks())


@pytest.fixture
def openpyxl_must_not_parse(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_the_hostile_workbooks_are_as_small_as_the_review_found():
    assert len(far_row_workbook()) < 6_000
    data = empty_cells_workbook()
    assert len(data) < 200_000
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo(SHEET).file_size > 85 * 2**20


def test_a_row_numbered_ten_million_is_refused_before_parsing(openpyxl_must_not_parse):
    with pytest.raises(SpreadsheetError) as refused:
        read_spreadsheet(far_row_workbook(), "plan.xlsx")
    assert refused.value.errors == [
        "The sheet goes down to row 10,000,000, but a plan has at most 50,000 rows: delete "
        "the empty rows below the table (or what was typed far below it) and save again."
    ]


def test_a_far_row_is_found_even_when_the_declared_dimension_lies(openpyxl_must_not_parse):
    data = far_row_workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(SHEET)
    lying = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:K1"', xml)
    with pytest.raises(SpreadsheetError, match="goes down to row 10,000,000"):
        read_spreadsheet(with_sheet(data, lying), "plan.xlsx")


def test_a_workbook_of_empty_cells_is_refused_before_parsing(openpyxl_must_not_parse):
    with pytest.raises(SpreadsheetError) as refused:
        read_spreadsheet(empty_cells_workbook(), "plan.xlsx")
    assert "The workbook unpacks to" in refused.value.errors[0]
    assert "far more than a plan's rows need" in refused.value.errors[0]


def test_reading_stops_after_its_time_budget_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(workbook_limits, "READ_SECONDS", -1.0)
    data = xlsx_file([["test-plan", "A", "A-1", "", "Title", "", "", "", "", "", ""]]).read()
    with pytest.raises(SpreadsheetError) as refused:
        read_spreadsheet(data, "plan.xlsx")
    assert refused.value.errors == [
        "Reading the workbook took too long, so it was stopped. Save it again with only the "
        "table of action points (no other sheets, no formatting over empty rows) and import "
        "that."
    ]


@pytest.mark.parametrize("build", [far_row_workbook, empty_cells_workbook])
def test_an_uploaded_hostile_workbook_changes_nothing(
    coordinator, items, var_dir, openpyxl_must_not_parse, build
):
    before = snapshot()
    response = upload(coordinator, SimpleUploadedFile("plan.xlsx", build()))
    assert response.status_code == 400
    page = response.content.decode()
    assert "far more than a plan" in page or "goes down to row 10,000,000" in page
    assert snapshot() == before
    assert not PendingImport.objects.exists()


def test_a_description_longer_than_ten_thousand_characters_is_refused_in_an_import(
    coordinator, items
):
    before = snapshot()
    row = ["test-plan", "C", "C-8", "", "Establish a PWG core group", "d" * 10_001]
    response = upload(coordinator, xlsx_file([row + [""] * 5]))
    if response.status_code == 302:  # read, then checked row by row on the preview
        response = coordinator.get("/actions/import/preview/")
    assert "10001 characters, at most 10000 allowed" in response.content.decode()
    assert snapshot() == before
