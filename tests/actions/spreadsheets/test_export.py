"""Exports of the filtered list: CSV, Excel and HXL carry exactly the rows the list shows,
read back with ``csv`` and openpyxl; text cannot run as a formula; staff e-mails only in
coordinators' files."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from actions import tables
from actions.models import ActionPoint, Status
from actions.spreadsheets import export
from actions.spreadsheets.columns import COLUMNS
from actions.tables import restore
from tests.bulk import change_action_points, create_action_points
from tests.factories import ForumFactory, PersonFactory

FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTab first", "\rReturn first"]
HXL_TAGS = {
    "ID": "#meta+id",
    "Area": "#activity+type",
    "Title": "#activity+name",
    "Lead organisations": "#org+impl+name",
    "Forum": "#sector+cluster+name",
    "Status": "#status+name",
    "Due date": "#date+end+planned",
    "Completed": "#date+end+actual",
    "Last update": "#date+reported",
    "Link": "#meta+url",
}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def items(plan, organizations, partner_iom, coordinator, today):
    """A dozen items over areas B and C: leads, focal points (one without an e-mail), a
    forum, a sub-item, due dates, a completed item, Arabic text, and titles that a
    spreadsheet would run as formulas."""
    area_b, area_c = plan.areas.get(code="B"), plan.areas.get(code="C")
    quiet = PersonFactory(
        first_name="No", last_name="Mail", email="", organization=organizations["IOM"]
    )
    pwg = ForumFactory(acronym="PWG", name="Protection Working Group")
    (parent,) = create_action_points(
        [
            dict(
                area=area_c,
                code="C-8",
                title="Establish a PWG core group",
                position=8,
                status=Status.IN_PROGRESS,
                leads=[organizations["UNHCR"], organizations["IOM"]],
                focal=[partner_iom.person, quiet],
                forum=pwg,
                due_date=today - datetime.timedelta(days=3),
                description="Drive the work forward on:\n- service mapping\n- mainstreaming",
            )
        ]
    )
    made = [parent]
    made += create_action_points(
        [
            dict(
                area=area_c,
                code="C-8.1",
                parent=parent,
                position=9,
                title="تنسيق الحماية",
                status=Status.IN_PROGRESS,
                leads=[organizations["ACTED"]],
            ),
            *(
                dict(
                    area=area_b,
                    code=f"B-{n}",
                    position=n,
                    title=text,
                    description=text,
                    status=Status.IN_PROGRESS if n % 2 else Status.BLOCKED,
                    due_date=today + datetime.timedelta(days=n),
                )
                for n, text in enumerate(FORMULAS, start=1)
            ),
            dict(area=area_b, code="B-7", position=7, title="Shared repository"),
            dict(area=plan.areas.get(code="A"), code="A-1", title="Elsewhere"),
        ]
    )
    done = made[-2]
    change_action_points([done], by=coordinator.user, status=Status.DONE)
    made[-2] = ActionPoint.objects.get(pk=done.pk)
    return made


def body(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    return csv_rows_of(body(response))


def csv_rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def list_page_ids(client, query: str) -> list[int]:
    html = client.get(f"/actions/?{query}").content.decode()
    return [int(pk) for pk in re.findall(r'<td class="code"><a href="/actions/(\d+)/"', html)]


def expected_row(item: ActionPoint, with_contacts: bool) -> dict[str, str]:
    """The item as an export should write it, every value as text."""
    item = ActionPoint.objects.select_related("plan", "area", "parent", "forum").get(pk=item.pk)
    focal = list(item.focal_points.select_related("organization"))
    local = lambda m: timezone.localtime(m).replace(microsecond=0).isoformat() if m else ""  # noqa: E731
    row = {
        "ID": str(item.pk),
        "Plan": item.plan.key,
        "Area": item.area.code,
        "Code": item.code,
        "Parent": item.parent.code if item.parent else "",
        "Title": item.title,
        "Description": item.description,
        "Status": item.status,
        "Due date": item.due_date.isoformat() if item.due_date else "",
        "Lead organisations": ", ".join(
            o.acronym for o in item.lead_organizations.order_by("acronym")
        ),
        "Forum": item.forum.acronym if item.forum else "",
        "Forum inferred": "yes" if item.forum_inferred else "",
        "Agreed at": item.agreed_event.title if item.agreed_event else "",
        "Agreed on": item.agreed_on.isoformat() if item.agreed_on else "",
        "As agreed": item.agreed_text,
        "Focal points": ", ".join(f"{p.full_name} ({p.organization.acronym})" for p in focal),
        "Completed": local(item.completed_at),
        "Last update": local(item.updated_at),
        "Link": f"{settings.SITE_URL}/actions/{item.pk}/",
        "Sample data": "Sample" if item.updates.filter(is_sample=True).exists() else "",
    }
    if with_contacts:
        row["Focal point e-mails"] = ", ".join(p.email for p in focal if p.email)
    return row


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *data = rows
    return [{h: restore(v) for h, v in zip(header, row, strict=True)} for row in data]


# --- CSV ----------------------------------------------------------------------------------

QUERIES = ["", "area=B", "status=in_progress&status=blocked", "organization=IOM", "overdue=1",
           "q=core&sort=-due_date", "area=B&sort=-code"]  # fmt: skip


@pytest.mark.parametrize("query", QUERIES)
def test_csv_lists_exactly_the_rows_of_the_list_page_in_its_order(coordinator, items, query):
    rows = as_dicts(csv_rows(coordinator.get(f"/actions/export.csv?{query}")))
    assert [int(r["ID"]) for r in rows] == list_page_ids(coordinator, query)


def test_csv_round_trips_every_value_of_the_filtered_rows(coordinator, items):
    response = coordinator.get("/actions/export.csv?status=in_progress&status=done")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="action-points-')
    assert body(response).startswith("\ufeff".encode())  # Excel reads UTF-8 with it
    rows = as_dicts(csv_rows(coordinator.get("/actions/export.csv?status=in_progress&status=done")))
    wanted = ActionPoint.objects.filter(status__in=["in_progress", "done"])
    assert sorted(int(r["ID"]) for r in rows) == sorted(wanted.values_list("pk", flat=True))
    for row in rows:
        assert row == expected_row(ActionPoint.objects.get(pk=row["ID"]), with_contacts=True)


def test_export_is_every_page_of_the_list_not_the_page_on_screen(coordinator, items):
    rows = csv_rows(coordinator.get("/actions/export.csv?page=2"))
    assert len(rows) - 1 == ActionPoint.objects.count()


# What an export reads to write its rows: on PostgreSQL one COPY statement that names the
# leads and focal points itself (``spreadsheets.copied``); elsewhere the organisations and
# the people, each in its order, then the rows with the ids of their leads and focal points.
ROW_QUERIES = {"postgresql": 1, "sqlite": 3}


@pytest.mark.parametrize("chunk_size", [3, 4, 100])
def test_csv_streams_the_rows_with_the_same_queries_however_many_chunks(
    coordinator, items, monkeypatch, django_assert_num_queries, chunk_size
):
    monkeypatch.setattr(export, "CHUNK_SIZE", chunk_size)
    monkeypatch.setattr(tables, "CSV_LINES_PER_CHUNK", chunk_size)
    expected = (
        2  # the session; the user with its groups and person (role)
        # no filter choices: an export shows no form
        + ROW_QUERIES[connection.vendor]  # the rows (a cursor read in chunks, or a COPY)
        + 1  # the security log's row: who exported what, how many rows
    )
    with django_assert_num_queries(expected):
        response = coordinator.get("/actions/export.csv")
        assert response.streaming
        pieces = list(response.streaming_content)
    # The byte order mark, the header, then the rows a chunk at a time.
    assert len(pieces) == 2 + -(-len(items) // chunk_size)
    assert len(csv_rows_of(b"".join(pieces))) == 1 + len(items)


@pytest.mark.parametrize(
    "query, choices",
    [("", 0), ("status=blocked&q=SUM", 0), ("area=B", 1), ("plan={plan}&area=B", 1)],
)
def test_exports_read_the_filter_choices_only_to_check_a_plan_or_area(
    coordinator, items, plan, django_assert_num_queries, query, choices
):
    # session, user with role, the rows, the security log's row
    expected = 2 + ROW_QUERIES[connection.vendor] + 1 + choices
    with django_assert_num_queries(expected):
        response = coordinator.get(f"/actions/export.csv?{query.format(plan=plan.pk)}")
        assert len(csv_rows(response)) > 1


# --- HXL ----------------------------------------------------------------------------------


def test_hxl_has_the_hashtag_row_under_the_header_and_the_same_rows(coordinator, items):
    response = coordinator.get("/actions/export.hxl.csv?area=B")
    data = body(response)
    assert response["Content-Disposition"].endswith('.hxl.csv"')
    assert not data.startswith("\ufeff".encode())  # HXL tools read the first cell as is
    header, tags, *rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert header == [str(c.header) for c in COLUMNS]
    assert tags == [c.hxl for c in COLUMNS]
    for name, tag in HXL_TAGS.items():
        assert tags[header.index(name)] == tag
    assert all(re.fullmatch(r"#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*", t) for t in tags)
    assert [int(r[0]) for r in rows] == list_page_ids(coordinator, "area=B")
    for row in as_dicts([header, *rows]):
        assert row == expected_row(ActionPoint.objects.get(pk=row["ID"]), with_contacts=True)


# --- Excel --------------------------------------------------------------------------------


def workbook_of(response) -> openpyxl.Workbook:
    assert response["Content-Type"] == tables.XLSX_CONTENT_TYPE
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def test_xlsx_round_trips_the_filtered_rows_with_real_dates(coordinator, items, today):
    response = coordinator.get("/actions/export.xlsx?area=B&sort=due_date")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = workbook_of(response).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == [str(c.header) for c in COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "E2"  # the header and ID … code stay in view
    assert sheet.column_dimensions["F"].width == 45  # the title
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == list_page_ids(coordinator, "area=B&sort=due_date")
    for cells in rows:
        values = dict(zip(header, cells, strict=True))
        item = ActionPoint.objects.get(pk=values["ID"].value)
        if item.due_date:
            assert values["Due date"].is_date and values["Due date"].number_format == "yyyy-mm-dd"
            assert values["Due date"].value.date() == item.due_date
        assert values["Last update"].is_date
        local = timezone.localtime(item.updated_at).replace(microsecond=0, tzinfo=None)
        assert values["Last update"].value == local
        as_text = {name: xlsx_as_text(name, cell.value) for name, cell in values.items()}
        wanted = expected_row(item, with_contacts=True)
        # XML reads a carriage return back as a line feed.
        wanted = {k: v.replace("\r", "\n") for k, v in wanted.items()}
        assert as_text == wanted


def xlsx_as_text(name: str, value) -> str:
    if value is None:
        return ""
    if name == "Due date":
        return value.date().isoformat()
    if name in ("Completed", "Last update"):
        return timezone.make_aware(value).isoformat()
    return restore(str(value))


def test_xlsx_states_the_filter_and_the_export_time(coordinator, items):
    response = coordinator.get("/actions/export.xlsx?status=blocked&organization=iom&q=x")
    about = dict(workbook_of(response).worksheets[1].iter_rows(values_only=True))
    assert about["Status"] == "Blocked"
    assert about["Lead organisation"] == "IOM"
    assert about["Text"] == "x"
    assert about["Exported by"] == "Coordinator Demo"  # a name, never a username
    assert about["Rows"] == "0"
    exported = datetime.datetime.strptime(about["Exported at"][:16], "%Y-%m-%d %H:%M")
    now = timezone.localtime().replace(tzinfo=None)
    assert abs(now - exported) < datetime.timedelta(minutes=2)
    assert about["Link to this list"].endswith("/actions/?status=blocked&organization=iom&q=x")


def test_xlsx_offers_the_status_values_as_a_list(coordinator, items):
    sheet = workbook_of(coordinator.get("/actions/export.xlsx")).worksheets[0]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"' + ",".join(Status.values) + '"'
    assert str(validation.sqref).startswith("H2:")


# --- Formula injection --------------------------------------------------------------------


def test_text_that_would_run_as_a_formula_is_made_inert_in_every_format(coordinator, items):
    codes = [f"B-{n}" for n in range(1, len(FORMULAS) + 1)]
    expected = {code: text for code, text in zip(codes, FORMULAS, strict=True)}
    for url in ("/actions/export.csv?area=B", "/actions/export.hxl.csv?area=B"):
        header, *rows = [r for r in csv_rows(coordinator.get(url)) if not r[0].startswith("#")]
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            if cells["Code"] in expected:
                assert cells["Title"] == "'" + expected[cells["Code"]]
                assert cells["Description"] == "'" + expected[cells["Code"]]
    sheet = workbook_of(coordinator.get("/actions/export.xlsx?area=B")).worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)  # no formula anywhere
        if row[3].value in expected:
            text = expected[row[3].value]
            assert row[5].data_type == "s"
            # A carriage return is a line feed in a workbook (XML), and that runs nothing.
            assert row[5].value == ("\n" + text[1:] if text[0] == "\r" else "'" + text)


def test_an_apostrophe_already_there_survives_the_round_trip():
    from actions.tables import neutralise

    for text in ["'=x", "''-y", "'quoted'", "plain", "a=b", "-", ""]:
        assert restore(neutralise(text)) == text
    assert neutralise("'quoted'") == "'quoted'"
    assert neutralise("'=x") == "''=x"


# --- Permissions --------------------------------------------------------------------------

FORMATS = ["/actions/export.csv", "/actions/export.xlsx", "/actions/export.hxl.csv"]


def all_text(response) -> str:
    data = body(response)
    if data[:2] == b"PK":
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(
            str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
            for v in row if v is not None
        )  # fmt: skip
    return data.decode("utf-8-sig")


@pytest.mark.parametrize("url", FORMATS)
@pytest.mark.parametrize("role", ["partner_iom", "viewer"])
def test_partners_and_viewers_exports_carry_no_staff_email(request, items, url, role):
    text = all_text(request.getfixturevalue(role).get(url))
    assert "@" not in text.replace("'@cmd", "")
    assert "Focal point e-mails" not in text
    assert "Iom_partner Demo (IOM)" in text  # names are shown, as on the pages


@pytest.mark.parametrize("url", FORMATS)
def test_coordinators_exports_carry_focal_point_emails(coordinator, items, url):
    assert "iom_partner.demo@example.org" in all_text(coordinator.get(url))


@pytest.mark.parametrize("url", FORMATS)
def test_anonymous_visitors_are_sent_to_sign_in(anonymous, items, url):
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", FORMATS)
def test_an_account_without_a_role_gets_nothing(client, django_user_model, items, url):
    client.force_login(django_user_model.objects.create_user("stranger"))
    response = client.get(url)
    assert response.status_code == 403
    assert b"A-1" not in response.content


@pytest.mark.parametrize("url", FORMATS)
def test_invalid_filters_give_the_forms_message_and_no_file(coordinator, items, url):
    response = coordinator.get(f"{url}?status=nonsense&due_after=tomorrow")
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    html = response.content.decode()
    assert "nothing was exported" in html
    assert "Due on or after" in html


@pytest.mark.parametrize("url", FORMATS)
def test_export_refuses_other_methods(coordinator, items, url):
    assert coordinator.post(url).status_code == 405


def test_list_page_offers_the_exports_with_its_filters(coordinator, items):
    html = coordinator.get("/actions/?area=B&status=blocked&page=1").content.decode()
    for name in ("export.csv", "export.xlsx", "export.hxl.csv"):
        assert f'href="/actions/{name}?area=B&amp;status=blocked"' in html
