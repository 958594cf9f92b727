"""The 2017 plan as the report gives it: its own sentences kept "as agreed", titles
marked as summaries, forums only where the report names them or marked inferred."""

from pathlib import Path

import pytest

from actions.models import ActionPoint
from actions.plan_files.importing import import_plan
from actions.plan_files.reading import PlanFileError, parse_plan

SHIPPED = Path(__file__).resolve().parents[3] / "actions" / "plans" / "libya-pim-2017.toml"
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")


@pytest.fixture
def imported(db):
    return import_plan(SHIPPED).plan


def test_c1_and_c2_are_not_filed_under_the_bodies_the_cluster_works_with(imported, viewer):
    for code in ("C-1", "C-2"):
        item = ActionPoint.objects.select_related("forum").get(plan=imported, code=code)
        assert (item.forum.acronym, item.forum_inferred) == ("PC", True)
        page = viewer.get(item.get_absolute_url()).content.decode()
        assert 'id="forum-inferred"' in page
    inferred = ActionPoint.objects.filter(plan=imported, forum_inferred=True)
    assert sorted(inferred.values_list("code", flat=True)) == ["C-1", "C-2"]


def test_titles_keep_what_the_report_says_c1_consider_d2_responsible(imported):
    titles = dict(ActionPoint.objects.filter(plan=imported).values_list("code", "title"))
    assert "consider" in titles["C-1"]
    assert "responsible" in titles["D-2"]
    assert titles["A-1"].startswith("Always consider")


def test_every_item_keeps_the_reports_sentence_as_agreed(imported):
    for item in ActionPoint.objects.filter(plan=imported):
        assert item.agreed_text == item.description, item.code


def test_the_header_says_what_is_not_from_the_report():
    header = SHIPPED_TEXT.split("format = 1")[0]
    assert "From the report, word for word" in header
    assert "Not from the report" in header
    assert "forum_inferred" in header


def test_an_install_with_the_old_forums_is_mended_through_the_journal(db, tmp_path):
    old = SHIPPED_TEXT.replace(
        "# The report says the cluster works with the IMWG: the IMWG is not the owner.\n"
        'forum = "PC"\nforum_inferred = true',
        'forum = "IMWG"',
    )
    path = tmp_path / "libya-pim-2017.toml"
    path.write_text(old, encoding="utf-8")
    import_plan(path)
    c1 = ActionPoint.objects.get(code="C-1")
    assert c1.forum.acronym == "IMWG"
    import_plan(SHIPPED)
    c1.refresh_from_db()
    assert (c1.forum.acronym, c1.forum_inferred) == ("PC", True)
    entry = c1.updates.latest()
    assert entry.note == "Updated from libya-pim-2017.toml."
    assert entry.changes["forum"] == ["IMWG", "PC"]


def test_a_forum_marked_inferred_needs_a_forum():
    text = SHIPPED_TEXT.replace(
        'code = "C-7"\narea = "C"', 'code = "C-7"\narea = "C"\nforum_inferred = true'
    )
    with pytest.raises(PlanFileError) as raised:
        parse_plan(text)
    assert any("forum_inferred: there is no forum" in e for e in raised.value.errors)
