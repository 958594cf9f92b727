"""Importing plan files: the shipped 2017 plan as the report gives it, re-imports that
update through the journal, and broken files refused with nothing changed."""

import datetime
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from actions import services
from actions.models import ActionPlan, ActionPoint, ActionUpdate, Area, LearningOutcome, Status
from actions.plan_files.importing import import_plan
from actions.plan_files.reading import PlanFileError, parse_plan
from participants.models import Event, Forum, Organization, Participation, Person
from tests.factories import ActionPointFactory, AreaFactory, OrganizationFactory

SHIPPED = Path(__file__).resolve().parents[3] / "actions" / "plans" / "libya-pim-2017.toml"
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")

PARTICIPANT_ORGANISATIONS = {
    "ACTED", "Cesvi", "DRC", "HI", "IOM", "CIR", "LibAid", "UNFPA", "UNHCR", "UNICEF", "UNMAS",
}  # fmt: skip


@pytest.fixture
def imported(db):
    return import_plan(SHIPPED)


def write_plan(tmp_path, text: str, name: str = "plan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str, text: str = SHIPPED_TEXT) -> str:
    assert text.count(old) >= 1, f"{old!r} is not in the plan file"
    return text.replace(old, new, 1)


def row_counts() -> dict[str, int]:
    """Rows of every table the project uses, many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


# --- The 2017 plan as the report gives it ------------------------------------------------


def test_shipped_plan_has_the_reports_action_points(imported):
    plan = ActionPlan.objects.get(key="libya-pim-2017")
    items = plan.action_points.all()
    assert items.count() == 35
    top_level = items.filter(parent__isnull=True)
    assert top_level.count() == 26
    assert Counter(top_level.values_list("area__code", flat=True)) == {
        "A": 5,
        "B": 8,
        "C": 8,
        "D": 5,
    }
    sub_items = dict(items.filter(parent__isnull=False).values_list("code", "parent__code"))
    assert sub_items == {
        **{f"C-8.{n}": "C-8" for n in range(1, 6)},
        **{f"D-5.{n}": "D-5" for n in range(1, 5)},
    }
    assert plan.forum.acronym == "PC"
    assert plan.source_event.key == "libya-pim-training-2017"


def test_shipped_plan_has_four_areas_with_eleven_learning_outcomes(imported):
    areas = Area.objects.filter(plan__key="libya-pim-2017").order_by("order")
    assert [a.code for a in areas] == ["A", "B", "C", "D"]
    assert [a.learning_outcomes.count() for a in areas] == [2, 4, 2, 3]
    assert LearningOutcome.objects.count() == 11
    first = areas[0].learning_outcomes.order_by("order").first()
    assert first.text.startswith("Before setting out to design and undertake data-collection")


def test_shipped_plan_has_one_event_with_21_participants_and_3_trainers(imported):
    event = Event.objects.get()
    roles = Counter(event.participations.values_list("role", flat=True))
    assert roles == {"participant": 21, "trainer": 3}
    participant_orgs = set(
        event.participations.filter(role="participant").values_list(
            "person__organization__acronym", flat=True
        )
    )
    assert participant_orgs == PARTICIPANT_ORGANISATIONS
    assert (
        Person.objects.filter(first_name="Jenna", last_name="Le Roy").get().organization.acronym
        == "ACTED"
    )


def test_only_the_leads_the_report_names_are_set(imported):
    leads = {
        item.code: {o.acronym for o in item.lead_organizations.all()}
        for item in ActionPoint.objects.prefetch_related("lead_organizations")
        if item.lead_organizations.all()
    }
    assert leads == {"A-5": {"UNHCR", "IOM"}, "B-7": {"IOM"}, "B-8": {"ACTED"}, "C-4": {"UNHCR"}}


def test_import_invents_no_emails_due_dates_or_focal_points(imported):
    assert not Person.objects.exclude(email="").exists()
    assert not Person.objects.filter(user__isnull=False).exists()
    assert not ActionPoint.objects.filter(due_date__isnull=False).exists()
    assert not ActionPoint.objects.filter(focal_points__isnull=False).exists()
    assert set(ActionPoint.objects.values_list("status", flat=True)) == {Status.NOT_STARTED}


def test_every_imported_item_has_one_created_journal_entry(imported):
    assert ActionUpdate.objects.count() == 35
    assert set(ActionUpdate.objects.values_list("kind", flat=True)) == {"created"}
    assert ActionUpdate.objects.values("action_point").distinct().count() == 35
    assert imported.counts["action_points"].created == 35


def test_imported_items_keep_the_report_order(imported):
    codes = list(
        ActionPoint.objects.filter(area__code="C").report_order().values_list("code", flat=True)
    )
    assert codes[:8] == ["C-1", "C-2", "C-3", "C-4", "C-5", "C-6", "C-7", "C-8"]
    assert codes[8:] == ["C-8.1", "C-8.2", "C-8.3", "C-8.4", "C-8.5"]


# --- Importing again ---------------------------------------------------------------------


def test_second_import_changes_nothing_and_writes_no_journal(imported):
    before = row_counts()
    versions = dict(ActionPoint.objects.values_list("code", "version"))
    result = import_plan(SHIPPED)
    assert not result.changed
    assert result.counts["action_points"].unchanged == 35
    assert result.counts["people"].unchanged == 24
    assert row_counts() == before
    assert dict(ActionPoint.objects.values_list("code", "version")) == versions


def test_changed_title_is_updated_through_the_service_with_one_edit_entry(imported, tmp_path):
    path = write_plan(
        tmp_path,
        edited(
            'title = "Introduce information-sharing protocols"',
            'title = "Agree information-sharing protocols"',
        ),
    )
    result = import_plan(path)
    assert (result.counts["action_points"].updated, result.counts["action_points"].unchanged) == (
        1,
        34,
    )
    item = ActionPoint.objects.get(code="B-2")
    assert item.title == "Agree information-sharing protocols"
    assert item.version == 2
    entry = ActionUpdate.objects.exclude(kind="created").get()
    assert entry.action_point == item
    assert entry.kind == ActionUpdate.Kind.EDIT
    assert entry.changes["title"] == [
        "Introduce information-sharing protocols",
        "Agree information-sharing protocols",
    ]


def test_what_users_set_survives_a_reimport(imported, tmp_path, coordinator, organizations):
    item = ActionPoint.objects.get(code="B-7")
    focal = coordinator.person
    services.change_action_point(
        action_point=item,
        by=coordinator.user,
        status=Status.IN_PROGRESS,
        due_date=datetime.date(2018, 3, 1),
        focal_points=[focal],
        note="Definitions drafted.",
    )
    path = write_plan(
        tmp_path, edited('leads = ["IOM"]\n', 'leads = ["IOM", "UNHCR"]\n')
    )  # the first 'leads = ["IOM"]' in the file is B-7's
    import_plan(path)
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert item.due_date == datetime.date(2018, 3, 1)
    assert list(item.focal_points.all()) == [focal]
    assert {o.acronym for o in item.lead_organizations.all()} == {"IOM", "UNHCR"}
    assert item.updates.filter(note="Definitions drafted.").exists()
    latest = item.updates.latest()
    assert latest.kind == ActionUpdate.Kind.REASSIGNMENT
    assert latest.status_after == Status.IN_PROGRESS


def test_entries_removed_from_the_file_stay_in_the_site(imported, tmp_path):
    text = SHIPPED_TEXT[: SHIPPED_TEXT.index('[[action_points]]\ncode = "D-5.4"')]
    result = import_plan(write_plan(tmp_path, text))
    assert result.counts["action_points"].unchanged == 34
    assert ActionPoint.objects.filter(code="D-5.4").exists()


def test_people_are_matched_by_name_and_organisation_and_keep_their_email(imported):
    person = Person.objects.get(first_name="Meriam", last_name="Abuelgasim")
    person.email = "meriam@example.org"
    person.save()
    import_plan(SHIPPED)
    person.refresh_from_db()
    assert person.email == "meriam@example.org"
    assert Person.objects.filter(last_name="Abuelgasim").count() == 1


def test_learning_outcomes_are_replaced_by_the_files_list(imported, tmp_path):
    text = edited(
        '''    """Lack of plans for how to deal with (differentiated) referral pathways for \\
    different population groups.""",
''',
        "",
    )
    result = import_plan(write_plan(tmp_path, text))
    assert result.counts["areas"].updated == 1
    area = Area.objects.get(code="D")
    assert area.learning_outcomes.count() == 2
    assert LearningOutcome.objects.count() == 10


# --- Broken files are refused, with nothing changed ---------------------------------------

BROKEN = {
    "syntax error": (
        edited('key = "libya-pim-2017"', 'key = "libya-pim-2017'),
        ["TOML syntax error", "line 36"],
    ),
    "unknown area": (
        edited('code = "C-3"\narea = "C"', 'code = "C-3"\narea = "E"'),
        ['action_points[16] (C-3, line', 'area "E" is not defined'],
    ),
    "duplicate code": (
        edited('code = "B-3"', 'code = "B-2"'),
        ['action_points[8] (B-2, line', 'code "B-2" is already used by action_points[7]'],
    ),
    "bad kind": (
        edited('kind = "national_ngo"', 'kind = "ngo"'),
        ['organizations[7] (LibAid, line', 'kind "ngo" is not one of un_agency, international_ngo'],
    ),
    "parent in another area": (
        edited('area = "D"\nparent = "D-5"', 'area = "D"\nparent = "C-8"'),
        ['action_points[32] (D-5.1, line', 'parent "C-8" is in area C, not D'],
    ),
    "undefined parent": (
        edited('parent = "C-8"', 'parent = "C-9"'),
        ['action_points[22] (C-8.1, line', 'parent "C-9" is not defined'],
    ),
    "unknown lead": (
        edited('leads = ["ACTED"]', 'leads = ["UNDP"]'),
        ['action_points[13] (B-8, line', 'lead "UNDP" is not defined in this file or in the site'],
    ),
    "missing required key": (
        edited('title = "Libya Protection Cluster PIM action plan"\n', ""),
        ['plan (libya-pim-2017, line 35): missing required key "title"'],
    ),
    "due date in the file": (
        edited('code = "A-1"\narea = "A"', 'code = "A-1"\narea = "A"\ndue_date = 2018-01-31'),
        ['action_points[1] (A-1, line', 'unknown key "due_date"'],
    ),
    "quoted date": (
        edited("start_date = 2017-12-11", 'start_date = "2017-12-11"'),
        ["events[1] (libya-pim-training-2017, line", "write dates without quotes"],
    ),
    "format 2": (edited("format = 1", "format = 2"), ["format: 2 is not supported"]),
}  # fmt: skip


@pytest.mark.parametrize("case", BROKEN)
def test_broken_file_is_refused_by_the_command_and_changes_nothing(
    case, imported, tmp_path, capsys
):
    text, expected = BROKEN[case]
    path = write_plan(tmp_path, text)
    before = row_counts()
    titles = dict(ActionPoint.objects.values_list("code", "title"))
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_plan", str(path))
    errors = capsys.readouterr().err
    for fragment in expected:
        assert fragment in errors
    assert row_counts() == before
    assert dict(ActionPoint.objects.values_list("code", "title")) == titles


def test_broken_file_creates_nothing_in_an_empty_site(db, tmp_path, capsys):
    path = write_plan(tmp_path, BROKEN["undefined parent"][0])
    before = row_counts()
    with pytest.raises(CommandError):
        call_command("import_plan", str(path))
    assert row_counts() == before
    assert not Organization.objects.exists()


def test_every_problem_of_a_file_is_reported_at_once(db):
    text = edited(
        'kind = "national_ngo"', 'kind = "ngo"', edited('parent = "C-8"', 'parent = "C-9"')
    )
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text)
    assert len(refused.value.errors) == 2


def test_missing_file_is_refused_by_the_command(db, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_plan", str(tmp_path / "nowhere.toml"))
    assert "cannot read the file" in capsys.readouterr().err


def test_a_failure_midway_rolls_back_everything(db, monkeypatch):
    real_create = services.create_action_point

    def failing_create(**kwargs):
        if kwargs["code"] == "D-5.4":
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "create_action_point", failing_create)
    before = row_counts()
    with pytest.raises(RuntimeError):
        import_plan(SHIPPED)
    assert row_counts() == before


def test_parent_known_only_in_another_plan_is_refused(db, tmp_path, capsys):
    other = ActionPointFactory(area=AreaFactory(code="C"), code="C-9")
    before = row_counts()
    path = write_plan(tmp_path, BROKEN["undefined parent"][0])
    with pytest.raises(CommandError):
        call_command("import_plan", str(path))
    assert 'parent "C-9" is not defined' in capsys.readouterr().err
    assert row_counts() == before
    assert not other.sub_items.exists()


def test_a_name_held_by_another_acronym_in_the_site_is_refused(db, capsys):
    OrganizationFactory(acronym="DRC-LY", name="Danish Refugee Council")
    before = row_counts()
    with pytest.raises(CommandError):
        call_command("import_plan", str(SHIPPED))
    assert 'name "Danish Refugee Council" belongs to the organisation DRC-LY' in (
        capsys.readouterr().err
    )
    assert row_counts() == before


def test_organisations_defined_only_in_the_site_may_be_referred_to(db, tmp_path):
    OrganizationFactory(acronym="UNDP", name="UNDP", kind="un_agency")
    import_plan(write_plan(tmp_path, edited('leads = ["ACTED"]', 'leads = ["UNDP"]')))
    item = ActionPoint.objects.get(code="B-8")
    assert [o.acronym for o in item.lead_organizations.all()] == ["UNDP"]


def test_command_prints_a_summary(db, capsys):
    call_command("import_plan", str(SHIPPED))
    out = capsys.readouterr().out
    assert "'libya-pim-2017' imported" in out
    assert "action points   35 created, 0 updated, 0 unchanged" in out
    call_command("import_plan", str(SHIPPED))
    assert "already up to date" in capsys.readouterr().out
    assert Forum.objects.get(acronym="PWG").parent.acronym == "PC"
    assert Participation.objects.count() == 24


def test_the_example_in_the_format_readme_imports(db, tmp_path):
    readme = (SHIPPED.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    result = import_plan(write_plan(tmp_path, example, "example.toml"))
    assert result.counts["action_points"].created == 3
    sub_item = ActionPoint.objects.get(code="A-2.1")
    assert sub_item.parent.code == "A-2"
    assert sub_item.forum.acronym == "PWG"
