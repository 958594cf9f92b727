"""Importing from a spreadsheet, continued: broken files change nothing, coordinators
only, and the template and the command line."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from actions.models import ActionPoint, Status
from actions.spreadsheets import pending as pending_imports
from actions.spreadsheets.models import PendingImport
from actions.spreadsheets.reading import MAX_UPLOAD_BYTES

from .test_import import HEADER, counts, csv_file, preview_of, row, snapshot, upload

# --- Broken files -------------------------------------------------------------------------

BROKEN = [
    ("plan.xlsx", b"this is not a workbook", "This is not an Excel workbook"),
    ("plan.csv", b"\x00\x01binary", "This is not a text file"),
    ("plan.csv", "Plan,Area\nlibya,é".encode("latin-1"), "not UTF-8 text"),
    ("plan.txt", b"Plan,Area\n", "Only .xlsx and .csv files can be imported."),
    ("plan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Save it as an Excel workbook (.xlsx)"),
    ("plan.csv", b"", "The submitted file is empty."),
    ("plan.csv", b'Plan,Area\n"unclosed,A\n', "The CSV is malformed"),
]


def not_a_workbook_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return out.getvalue()


@pytest.mark.parametrize(("name", "data", "message"), [
    *BROKEN,
    ("plan.xlsx", not_a_workbook_zip(), "This zip file holds no Excel workbook."),
    ("plan.csv", not_a_workbook_zip(), "This is a workbook, not CSV text"),
    ("plan.xlsx", not_a_workbook_zip()[:40], "The workbook is damaged"),
])  # fmt: skip
def test_a_broken_file_is_refused_with_a_clear_message_and_changes_nothing(
    coordinator, items, var_dir, name, data, message
):
    before = snapshot()
    response = upload(coordinator, SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before
    assert not PendingImport.objects.exists()


def test_a_file_too_large_is_refused_before_it_is_read(coordinator, items):
    data = b"Plan,Area,Code,Title\n" + b"x" * MAX_UPLOAD_BYTES
    response = upload(coordinator, SimpleUploadedFile("big.csv", data))
    assert response.status_code == 400
    assert "at most 5 MB can be imported" in response.content.decode()


# --- Who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["partner_iom", "viewer"])
def test_only_coordinators_may_import(request, plan, items, role, var_dir):
    client = request.getfixturevalue(role)
    before = snapshot()
    file = csv_file([row(plan, "B", "B-9", "X")])
    assert client.get("/actions/import/").status_code == 403
    assert client.post("/actions/import/", {"file": file}).status_code == 403
    assert client.get("/actions/import/preview/").status_code == 403
    assert client.post("/actions/import/confirm/").status_code == 403
    assert client.get("/actions/import/template.xlsx").status_code == 403
    assert snapshot() == before
    assert not PendingImport.objects.exists()


def test_another_coordinator_cannot_apply_someone_elses_preview(coordinator, plan, items):
    html = preview_of(coordinator, csv_file([row(plan, "B", "B-9", "X")]))
    token = coordinator.session["pending_import"]
    other = coordinator.user.__class__.objects.create_user("other", is_superuser=True)
    with pytest.raises(pending_imports.PendingImportGone):
        pending_imports.load(token, other)
    assert 'id="confirm-form"' in html


# --- Template and command line ----------------------------------------------------------------


def test_the_template_documents_each_column_and_imports_once_filled_in(coordinator, plan, items):
    response = coordinator.get("/actions/import/template.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.comment and c.comment.text for c in sheet[1])
    guide = [r for r in workbook.worksheets[1].iter_rows(values_only=True)]
    assert (
        plan.key,
        f"{plan.title}: A Harmonization, B Data sharing, C Coordination, D AAP",
    ) in guide
    sheet.append(row(plan, "A", "A-7", "From the template", due="2031-05-01"))
    out = io.BytesIO()
    workbook.save(out)
    html = preview_of(coordinator, SimpleUploadedFile("template.xlsx", out.getvalue()))
    assert counts(html) == {"create": 1, "update": 0, "unchanged": 0, "errors": 0}
    csv_template = coordinator.get("/actions/import/template.csv").content.decode("utf-8-sig")
    assert csv_template.strip() == ",".join(HEADER)


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_the_command_previews_a_spreadsheet_and_applies_it(plan, items, tmp_path, capsys):
    rows = [
        [plan.key, "C", "C-8", "Establish a PWG core group", "blocked"],
        [plan.key, "B", "B-9", "Agree data points", ""],
    ]
    path = write_csv(
        tmp_path / "plan.csv", rows, header=["Plan", "Area", "Code", "Title", "Status"]
    )
    before = snapshot()
    call_command("import_plan", path, "--dry-run")
    out = capsys.readouterr().out
    assert "1 to create, 1 to update, 0 unchanged, 0 error(s)" in out
    assert f'create row 3: {plan.key} B-9 "Agree data points"' in out
    assert f"update row 2: {plan.key} C-8: Status: In progress -> Blocked" in out
    assert "Nothing was changed. (dry run)" in out
    assert snapshot() == before
    call_command("import_plan", path)
    assert "1 created, 1 updated" in capsys.readouterr().out
    assert ActionPoint.objects.get(pk=items["C-8"].pk).status == Status.BLOCKED
    assert ActionPoint.objects.get(plan=plan, code="B-9").updates.get().author is None


def test_the_command_refuses_a_file_with_errors_and_changes_nothing(plan, items, tmp_path, capsys):
    path = write_csv(tmp_path / "plan.csv", [
        row(plan, "B", "B-9", "Fine"),
        row(plan, "B", "B-10", "Unknown lead", leads="NRC"),
    ])  # fmt: skip
    before = snapshot()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_plan", path)
    out = capsys.readouterr().out
    assert "error row 3, Lead organisations: the site has no organisation “NRC”" in out
    assert "unknown organisation NRC (rows 3)" in out
    assert snapshot() == before
