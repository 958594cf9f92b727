"""The glossary (/glossary/): everyone with a role reads and exports it; coordinators write
it; partners and viewers are refused and nothing changes."""

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from actions.glossary.models import GlossaryTerm, TermStatus
from tests.factories import ActionPlanFactory, ActionPointFactory, AreaFactory, ForumFactory

pytestmark = pytest.mark.django_db

# Terms the 2017 report uses, seeded by migration 0008.
REPORT_TERMS = {
    "Internally displaced persons (IDPs)": "النازحون داخلياً",
    "Returnees": "العائدون",
    "Persons of concern": "الأشخاص موضع الاهتمام",
    "Protection monitoring": "رصد الحماية",
    "Needs assessment": "تقييم الاحتياجات",
    "Data sharing protocol": "بروتوكول تبادل البيانات",
    "Accountability to Affected Populations (AAP)": "المساءلة أمام السكان المتضررين",
    "Information management": "إدارة المعلومات",
    "Focal point": "نقطة الاتصال",
    "Referral pathway": "مسار الإحالة",
    "Service mapping": "رسم خرائط الخدمات",
}


def new_term(**fields) -> dict:
    return {
        "english": "Case management",
        "arabic": "إدارة الحالات",
        "definition_en": "Following one person's needs through to the services they get.",
        "definition_ar": "متابعة احتياجات الشخص حتى يحصل على الخدمات اللازمة.",
        "source": "IASC",
        "status": TermStatus.PROPOSED,
        "agreed_by": "",
        "agreed_on": "",
        **fields,
    }


def term(english: str) -> GlossaryTerm:
    return GlossaryTerm.objects.get(english=english)


def test_the_reports_terms_are_seeded_proposed_with_their_arabic():
    for english, arabic in REPORT_TERMS.items():
        seeded = term(english)
        assert seeded.arabic == arabic
        assert seeded.status == TermStatus.PROPOSED
        assert seeded.definition_en and seeded.definition_ar
        assert seeded.agreed_by is None and seeded.agreed_on is None
    assert not GlossaryTerm.objects.filter(arabic="").exists()


@pytest.mark.parametrize("role", ["coordinator", "partner_iom", "viewer"])
def test_everyone_with_a_role_reads_the_glossary(request, role):
    client = request.getfixturevalue(role)
    html = client.get("/glossary/").content.decode()
    assert "Returnees" in html and "العائدون" in html
    assert ("/glossary/new/" in html) == (role == "coordinator")


def test_anonymous_is_sent_to_sign_in(anonymous):
    response = anonymous.get("/glossary/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_search_finds_a_term_by_its_arabic(viewer):
    html = viewer.get("/glossary/", {"q": "العائدون"}).content.decode()
    assert "Returnees" in html
    assert "Needs assessment" not in html


def test_coordinator_adds_a_term(coordinator):
    response = coordinator.post("/glossary/new/", new_term())
    assert response.status_code == 302
    added = term("Case management")
    assert added.arabic == "إدارة الحالات"
    assert added.updated_by == coordinator.user


def test_coordinator_records_an_agreement(coordinator):
    pwg = ForumFactory(acronym="PWG")
    returnees = term("Returnees")
    data = new_term(
        english="Returnees", arabic="العائدون", status=TermStatus.AGREED,
        agreed_by=pwg.pk, agreed_on="2025-03-12",
    )  # fmt: skip
    assert coordinator.post(f"/glossary/{returnees.pk}/edit/", data).status_code == 302
    returnees.refresh_from_db()
    assert returnees.status == TermStatus.AGREED
    assert (returnees.agreed_by, returnees.agreed_on) == (pwg, datetime.date(2025, 3, 12))
    html = coordinator.get("/glossary/").content.decode()
    assert "by PWG, 2025-03-12" in html


def test_an_agreement_must_say_by_whom_and_when(coordinator):
    response = coordinator.post("/glossary/new/", new_term(status=TermStatus.AGREED))
    assert response.status_code == 200
    assert "Say which forum agreed the term." in response.content.decode()
    assert "Say when the term was agreed." in response.content.decode()
    assert not GlossaryTerm.objects.filter(english="Case management").exists()


def test_back_to_proposed_forgets_the_agreement(coordinator):
    pwg = ForumFactory(acronym="PWG")
    focal = term("Focal point")
    data = new_term(english="Focal point", arabic="نقطة الاتصال", agreed_by=pwg.pk,
                    agreed_on="2025-03-12")  # fmt: skip
    coordinator.post(f"/glossary/{focal.pk}/edit/", data)
    focal.refresh_from_db()
    assert (focal.status, focal.agreed_by, focal.agreed_on) == (TermStatus.PROPOSED, None, None)


def test_an_english_term_is_in_the_glossary_once_whatever_its_capitals(coordinator):
    count = GlossaryTerm.objects.count()
    response = coordinator.post("/glossary/new/", new_term(english="RETURNEES"))
    assert response.status_code == 200
    assert "The glossary already has this term." in response.content.decode()
    assert GlossaryTerm.objects.count() == count


@pytest.mark.parametrize("role", ["partner_iom", "viewer"])
def test_partners_and_viewers_cannot_write_and_nothing_changes(request, role):
    client = request.getfixturevalue(role)
    returnees = term("Returnees")
    before = list(GlossaryTerm.objects.order_by("pk").values())
    assert client.get("/glossary/new/").status_code == 403
    assert client.post("/glossary/new/", new_term()).status_code == 403
    assert client.get(f"/glossary/{returnees.pk}/edit/").status_code == 403
    edit = new_term(english="Returnees", arabic="المُعادون")
    assert client.post(f"/glossary/{returnees.pk}/edit/", edit).status_code == 403
    assert list(GlossaryTerm.objects.order_by("pk").values()) == before


def test_csv_export_has_every_term_in_both_languages(viewer):
    response = viewer.get("/glossary/export.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="glossary-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["English term", "Arabic term"]
    assert ["Returnees", "العائدون"] in [row[:2] for row in rows]
    assert len(rows) == GlossaryTerm.objects.count() + 1


def test_xlsx_export_has_the_terms_and_an_about_sheet(coordinator):
    response = coordinator.get("/glossary/export.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    terms, about = workbook.worksheets
    values = list(terms.iter_rows(values_only=True))
    assert values[0][:2] == ("English term", "Arabic term")
    assert ("Returnees", "العائدون") in [row[:2] for row in values]
    assert about.title == "About this export"
    assert ("Exported by", "Coordinator Demo") in list(about.iter_rows(values_only=True))


def test_export_headers_follow_the_language(viewer):
    response = viewer.get("/glossary/export.csv", HTTP_ACCEPT_LANGUAGE="ar")
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("المصطلح بالإنجليزية,المصطلح بالعربية")


def test_action_point_a4_of_the_2017_plan_links_the_glossary(viewer):
    plan = ActionPlanFactory(key="libya-pim-2017")
    area = AreaFactory(plan=plan, code="A")
    a4 = ActionPointFactory(area=area, code="A-4", title="Standardize words")
    a3 = ActionPointFactory(area=area, code="A-3")
    assert 'href="/glossary/"' in viewer.get(f"/actions/{a4.pk}/").content.decode()
    assert 'class="glossary-link"' not in viewer.get(f"/actions/{a3.pk}/").content.decode()


def test_a4_of_another_plan_does_not_link_it(viewer, plan):
    other = ActionPointFactory(area=plan.areas.get(code="A"), code="A-4")
    assert 'class="glossary-link"' not in viewer.get(f"/actions/{other.pk}/").content.decode()


def test_the_dashboard_links_the_glossary(viewer):
    assert 'href="/glossary/"' in viewer.get("/").content.decode()


def test_the_glossary_page_reads_in_three_queries(coordinator, django_assert_num_queries):
    ForumFactory(acronym="PWG")
    with django_assert_num_queries(
        2  # the session; the user with its role groups, person and organisation
        + 1  # every term, with the forum that agreed it joined
    ):
        response = coordinator.get("/glossary/")
    assert response.status_code == 200


def test_an_arabic_reader_finds_terms_by_their_arabic_first(viewer):
    html = viewer.get("/glossary/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    head = html.split("<thead>")[1].split("</thead>")[0]
    assert head.index("المصطلح بالعربية") < head.index("المصطلح بالإنجليزية")
    shown = re.findall(r'<th scope="row" lang="ar" dir="rtl">([^<]+)</th>', html)
    # In the database's own collation, which PostgreSQL and SQLite may not share.
    assert shown == list(GlossaryTerm.objects.order_by("arabic").values_list("arabic", flat=True))
