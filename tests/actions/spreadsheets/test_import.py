"""Importing action points from a spreadsheet: a preview that writes nothing, then an
atomic apply through the journal; broken files change nothing; coordinators only."""

import csv
import datetime
import io
import re

import openpyxl
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actions import bulk_changes, services
from actions.models import ActionPoint, ActionUpdate, Status
from actions.spreadsheets import pending as pending_imports
from actions.spreadsheets.models import PendingImport
from participants.models import Organization
from tests.factories import ActionPointFactory

HEADER = ["Plan", "Area", "Code", "Parent", "Title", "Description", "Status", "Due date",
          "Lead organisations", "Forum", "Focal point e-mails"]  # fmt: skip


def snapshot() -> list:
    """Every item's fields, leads and focal points, and the journal: to compare before and
    after something that must change nothing."""
    items = [
        (i.pk, i.code, i.title, i.description, i.status, i.due_date, i.version, i.parent_id,
         i.area_id, i.forum_id, sorted(i.lead_organizations.values_list("pk", flat=True)),
         sorted(i.focal_points.values_list("pk", flat=True)))
        for i in ActionPoint.objects.order_by("pk")
    ]  # fmt: skip
    return [items, ActionUpdate.objects.count(), Organization.objects.count()]


def csv_file(rows: list[list[str]], header=HEADER, name="plan.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode())


def xlsx_file(rows: list[list], header=HEADER, name="plan.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, file):
    return client.post("/actions/import/", {"file": file})


def preview_of(client, file) -> str:
    response = upload(client, file)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.get("/actions/import/preview/")
    assert response.status_code == 200
    return response.content.decode()


def counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'id="count-(\w+)">(\d+)<', html)}


def table(html: str, table_id: str) -> list[list[str]]:
    if f'id="{table_id}"' not in html:
        return []
    body = html.split(f'id="{table_id}"', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in row] for row in cells]


def preview_again(client) -> str:
    response = client.get("/actions/import/preview/")
    assert response.status_code == 200
    return response.content.decode()


def confirm(client, html: str):
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', html)[1]
    versions = re.search(r'name="versions" value="([^"]*)"', html)[1].replace("&quot;", '"')
    return client.post(
        "/actions/import/confirm/", {"fingerprint": fingerprint, "versions": versions}
    )


def row(plan, area, code, title, **values) -> list[str]:
    fields = ["parent", "description", "status", "due", "leads", "forum", "emails"]
    return [plan.key, area, code, values.get("parent", ""), title,
            *(values.get(f, "") for f in fields[1:])]  # fmt: skip


# --- Preview ------------------------------------------------------------------------------


def test_preview_lists_creates_updates_and_errors_and_writes_nothing(coordinator, plan, items):
    before = snapshot()
    rows = [
        # row 2: an update of two fields; leads, forum and e-mails as they are
        row(plan, "C", "C-8", "Establish a PWG core group", description="Drive the work forward.",
            status="blocked", due="2031-01-15", leads="IOM", forum="PWG",
            emails="iom_partner.demo@example.org"),
        # row 3: new
        row(plan, "B", "B-9", "Agree data points", status="In progress", leads="UNHCR, ACTED"),
        # row 4: errors in three cells
        row(plan, "B", "B-10", "Bad", status="maybe", due="31/01/2031", emails="not-an-email"),
        # row 5: unknown area; row 6: unknown plan (the key is matched as written)
        row(plan, "Z", "Z-1", "No such area"),
        ["no-such-plan", "A", "A-1", "", "No such plan", "", "", "", "", "", ""],
        # row 7: the same code as row 3
        row(plan, "B", "b-9", "Twice"),
        # row 8: a parent that does not exist; row 9: an unknown forum and person
        row(plan, "C", "C-9.1", "Orphan", parent="C-9"),
        row(plan, "C", "C-10", "Unknowns", forum="XYZ", emails="nobody@example.org"),
        # row 10: unchanged
        row(plan, "B", "B-2", "Sharing protocol", description="Do the thing the plan says.",
            leads="UNHCR"),
    ]  # fmt: skip
    html = preview_of(coordinator, csv_file(rows))
    assert counts(html) == {"create": 1, "update": 1, "unchanged": 1, "errors": 9}
    (update,) = table(html, "import-updates")
    assert update[0] == "2" and "C-8" in update[2]
    assert "Status : In progress → Blocked" in update[3]
    assert f"Due date : {items['C-8'].due_date.isoformat()} → 2031-01-15" in update[3]
    assert "Title" not in update[3] and "Focal point" not in update[3]
    (create,) = table(html, "import-creates")
    assert create[:3] == ["3", plan.key, "B-9"]
    assert "Status : In progress" in create[3] and "Lead organisations : ACTED, UNHCR" in create[3]
    errors = [tuple(e) for e in table(html, "import-errors")]
    assert errors == [
        ("4", "Due date", "“31/01/2031” is not a date; write it as YYYY-MM-DD, e.g. 2025-03-31"),
        ("4", "Focal point e-mails", "“not-an-email” is not an e-mail address"),
        ("4", "Status", "“maybe” is not a status; write one of not_started, in_progress, "
                        "blocked, done, dropped"),
        ("5", "Area", f"plan {plan.key} has no area “Z” (it has A, B, C, D)"),
        ("6", "Plan", "there is no plan with the key “no-such-plan”"),
        ("7", "Code", "already on row 3"),
        ("8", "Parent", f"there is no item C-9 in plan {plan.key}"),
        ("9", "Focal point e-mails", "nobody in the site has the e-mail “nobody@example.org”"),
        ("9", "Forum", "there is no forum with the acronym “XYZ”"),
    ]  # fmt: skip
    assert 'id="confirm-form"' not in html  # nothing can be applied with errors
    assert snapshot() == before


def test_a_missing_required_column_is_named(coordinator, plan, items):
    html = preview_of(coordinator, csv_file([[plan.key, "X"]], header=["Plan", "Title"]))
    assert table(html, "import-errors") == [["1", "Code", "this column is missing"]]


def test_a_status_sheet_updates_without_area_or_title_but_cannot_add_items(
    coordinator, plan, items
):
    rows = [[plan.key, "C-8", "done"], [plan.key, "C-99", "done"]]
    html = preview_of(coordinator, csv_file(rows, header=["Plan", "Code", "Status"]))
    assert counts(html) == {"create": 0, "update": 1, "unchanged": 0, "errors": 2}
    message = f"C-99 is not in plan {plan.key}: to add it, the file needs this column"
    assert table(html, "import-errors") == [["3", "Area", message], ["3", "Title", message]]


def test_sub_item_rules_are_checked_against_the_file_and_the_site(coordinator, plan, items):
    rows = [
        row(plan, "C", "C-8", "Establish a PWG core group", parent="C-8.1"),  # has a sub-item
        row(plan, "C", "C-11", "New parent"),
        row(plan, "C", "C-11.1", "Under a new parent", parent="C-11"),  # fine
        row(plan, "C", "C-12", "Under a sub-item", parent="C-8.1"),
        row(plan, "C", "C-13", "Its own parent", parent="C-13"),
    ]
    html = preview_of(coordinator, csv_file(rows))
    errors = [tuple(e) for e in table(html, "import-errors")]
    assert errors == [
        ("2", "Parent", "C-8.1 is itself a sub-item; sub-items have no sub-items"),
        ("5", "Parent", "C-8.1 is itself a sub-item; sub-items have no sub-items"),
        ("6", "Parent", "an item cannot be its own parent"),
    ]
    assert [r[2] for r in table(html, "import-creates")] == ["C-11", "C-11.1"]


# --- Apply --------------------------------------------------------------------------------


def test_confirming_applies_every_change_through_the_journal(
    coordinator, plan, items, organizations
):
    rows = [
        row(plan, "C", "C-8", "Establish the PWG core group", description="Drive the work forward.",
            status="done", due="2031-01-15", leads="IOM; UNHCR", forum="",
            emails="coordinator.demo@example.org"),
        row(plan, "B", "B-9", "Agree data points", status="blocked", due="2031-02-01",
            leads="ACTED", forum="PWG"),
        row(plan, "B", "B-9.1", "A first data point", parent="B-9"),
    ]  # fmt: skip
    journal_before = ActionUpdate.objects.count()
    html = preview_of(coordinator, xlsx_file(rows))
    response = confirm(coordinator, html)
    assert response.status_code == 302 and response["Location"].startswith("/actions/import/runs/")
    # Without a broker the import ran while the request waited: its page says what it did.
    message = coordinator.get(response["Location"]).content.decode()
    assert "plan.xlsx imported: 2 action points created; 1 updated." in message

    parent = ActionPoint.objects.get(pk=items["C-8"].pk)
    assert (parent.title, parent.status, parent.due_date) == (
        "Establish the PWG core group",
        Status.DONE,
        datetime.date(2031, 1, 15),
    )
    assert parent.completed_at is not None and parent.forum is None
    assert sorted(o.acronym for o in parent.lead_organizations.all()) == ["IOM", "UNHCR"]
    # The person without an e-mail cannot be named in the file, so stays a focal point.
    assert sorted(p.last_name for p in parent.focal_points.all()) == ["Demo", "Mail"]
    assert parent.focal_points.filter(email="coordinator.demo@example.org").exists()
    new = ActionPoint.objects.get(plan=plan, code="B-9")
    assert (new.status, new.forum.acronym, new.area.code) == ("blocked", "PWG", "B")
    assert ActionPoint.objects.get(plan=plan, code="B-9.1").parent == new
    # One journal row per item: the update, and the two creations, each naming the file.
    entries = list(ActionUpdate.objects.order_by("pk")[journal_before:])
    assert [(e.action_point.code, e.kind, e.author) for e in entries] == [
        ("C-8", "edit", coordinator.user),
        ("B-9", "created", coordinator.user),
        ("B-9.1", "created", coordinator.user),
    ]
    assert entries[0].note == "Updated from plan.xlsx."
    assert entries[0].status_before == "in_progress" and entries[0].status_after == "done"
    assert entries[1].note == "Imported from plan.xlsx."
    # The waiting import is gone.
    assert not PendingImport.objects.exists()
    assert coordinator.get("/actions/import/preview/").status_code == 302


def test_an_item_changed_after_the_preview_is_a_conflict_and_nothing_is_applied(
    coordinator, partner_iom, plan, items
):
    rows = [
        row(plan, "C", "C-8", "Establish a PWG core group", status="done"),
        row(plan, "B", "B-9", "Agree data points"),
    ]
    html = preview_of(coordinator, csv_file(rows, header=HEADER[:7]))
    services.change_action_point(action_point=items["C-8"], by=partner_iom.user, note="Meanwhile")
    before = snapshot()
    response = confirm(coordinator, html)
    assert response.status_code == 302
    text = coordinator.get(response["Location"]).content.decode()
    assert "Changed by someone else since your preview: C-8. Nothing was applied." in text
    assert 'href="/actions/import/preview/"' in text
    assert snapshot() == before
    # The new preview shows the item as it is now; confirming it applies.
    assert confirm(coordinator, preview_again(coordinator)).status_code == 302
    assert ActionPoint.objects.get(pk=items["C-8"].pk).status == Status.DONE


def test_applying_is_all_or_nothing(coordinator, plan, items, monkeypatch):
    rows = [
        row(plan, "C", "C-8", "Establish a PWG core group", status="done"),  # applied first
        row(plan, "C", "C-20", "Created second"),
        # Items that get a new parent move last, once new items exist: this one fails.
        row(plan, "C", "C-8.1", "Service mapping", parent="C-20"),
    ]
    html = preview_of(coordinator, csv_file(rows, header=HEADER[:7]))
    assert counts(html) == {"create": 1, "update": 2, "unchanged": 0, "errors": 0}
    before = snapshot()
    real = bulk_changes.change_many
    calls = []

    def fail_second(**kwargs):
        calls.append([pk for pk, _version, _values in kwargs["changes"]])
        if len(calls) == 2:
            assert ActionPoint.objects.filter(code="C-20").exists()  # created meanwhile
            raise bulk_changes.Refused(0, ["The database said no."])
        return real(**kwargs)

    monkeypatch.setattr(bulk_changes, "change_many", fail_second)
    response = confirm(coordinator, html)
    assert response.status_code == 302
    assert "Row 4 was refused, so nothing was changed: The database said no." in (
        coordinator.get(response["Location"]).content.decode()
    )
    assert calls == [[items["C-8"].pk], [items["C-8.1"].pk]]
    assert snapshot() == before


def test_an_exported_workbook_imports_back_unchanged(coordinator, plan, items):
    ActionPointFactory(area=plan.areas.get(code="A"), code="A-1", title="=HYPERLINK(1)",
                       description="- first\r\n- second", status=Status.BLOCKED)  # fmt: skip
    for url, name in [
        ("/actions/export.xlsx", "export.xlsx"),
        ("/actions/export.csv", "export.csv"),
        ("/actions/export.hxl.csv", "export.hxl.csv"),
    ]:
        data = b"".join(coordinator.get(url).streaming_content)
        html = preview_of(coordinator, SimpleUploadedFile(name, data))
        assert counts(html) == {"create": 0, "update": 0, "unchanged": 4, "errors": 0}, name


def test_an_export_edited_in_excel_imports_the_edits(coordinator, plan, items):
    data = b"".join(coordinator.get("/actions/export.xlsx?area=C").streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    c8 = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("Code")].value == "C-8")
    c8[header.index("Status")].value = "done"
    c8[header.index("Due date")].value = datetime.datetime(2031, 3, 1)
    out = io.BytesIO()
    workbook.save(out)
    html = preview_of(coordinator, SimpleUploadedFile("edited.xlsx", out.getvalue()))
    assert counts(html) == {"create": 0, "update": 1, "unchanged": 1, "errors": 0}
    assert confirm(coordinator, html).status_code == 302
    item = ActionPoint.objects.get(pk=items["C-8"].pk)
    assert (item.status, item.due_date) == ("done", datetime.date(2031, 3, 1))
    assert item.updates.count() == 2  # created, then this one change


def test_unknown_organisations_can_be_created_or_matched_before_applying(coordinator, plan, items):
    rows = [
        row(plan, "B", "B-9", "With a new partner", leads="NRC"),
        row(plan, "B", "B-10", "With a misspelt one", leads="UN-HCR, nrc"),
    ]
    html = preview_of(coordinator, csv_file(rows))
    assert counts(html)["errors"] == 3  # NRC twice (as written and in lower case), UN-HCR
    assert "Organisations the site does not know" in html and "NRC" in html and "UN-HCR" in html
    before = snapshot()
    choices = {
        "org-0-action": "create", "org-0-name": "Norwegian Refugee Council",
        "org-0-kind": "international_ngo", "org-1-action": "map", "org-1-existing": "unhcr",
    }  # fmt: skip
    response = coordinator.post("/actions/import/preview/", choices)
    assert response.status_code == 302
    assert snapshot() == before  # still nothing written
    html = coordinator.get("/actions/import/preview/").content.decode()
    assert counts(html) == {"create": 2, "update": 0, "unchanged": 0, "errors": 0}
    assert "NRC (<bdi>Norwegian Refugee Council</bdi>)" in html
    assert confirm(coordinator, html).status_code == 302
    nrc = Organization.objects.get(acronym="NRC")
    assert nrc.kind == "international_ngo"
    leads = ActionPoint.objects.get(plan=plan, code="B-10").lead_organizations.all()
    assert sorted(o.acronym for o in leads) == ["NRC", "UNHCR"]


def test_a_mapping_to_nothing_is_refused_with_a_message(coordinator, plan, items):
    preview_of(coordinator, csv_file([row(plan, "B", "B-9", "X", leads="NRC")]))
    response = coordinator.post(
        "/actions/import/preview/", {"org-0-action": "map", "org-0-existing": "NOPE"}
    )
    assert response.status_code == 400
    assert "There is no organisation with the acronym “NOPE”." in response.content.decode()


def test_cancelling_discards_the_waiting_import(coordinator, plan, items, var_dir):
    preview_of(coordinator, csv_file([row(plan, "B", "B-9", "X")]))
    assert PendingImport.objects.count() == 1
    response = coordinator.post("/actions/import/cancel/")
    assert response.status_code == 302
    assert not PendingImport.objects.exists()
    assert coordinator.post("/actions/import/confirm/", {"fingerprint": "x"}).status_code == 302
    assert not ActionPoint.objects.filter(code="B-9").exists()


def test_a_preview_older_than_an_hour_cannot_be_applied(coordinator, plan, items):
    html = preview_of(coordinator, csv_file([row(plan, "B", "B-9", "X")]))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        response = confirm(coordinator, html)
        assert response.status_code == 302 and response["Location"] == "/actions/import/"
        assert pending_imports.sweep() == 1
    assert not ActionPoint.objects.filter(code="B-9").exists()
