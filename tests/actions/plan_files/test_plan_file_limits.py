"""Plan files within bounds: an oversized file is refused before it is read, and a text
longer than the site keeps is refused with its place named."""

import pytest
from django.core.management import CommandError, call_command

from actions.plan_files.reading import MAX_PLAN_FILE_BYTES, PlanFileError, parse_plan

from .test_import_plan import SHIPPED_TEXT, edited, row_counts, write_plan


def test_a_plan_file_larger_than_two_megabytes_is_refused_unread(db, tmp_path, capsys):
    path = write_plan(tmp_path, SHIPPED_TEXT + "#" * MAX_PLAN_FILE_BYTES)
    before = row_counts()
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_plan", str(path))
    assert "a plan file is at most 2,097,152" in capsys.readouterr().err
    assert row_counts() == before


def test_a_description_longer_than_ten_thousand_characters_is_refused(db):
    text = edited(
        'title = "Always consider the information needs of the sector (and across sectors)"\n'
        'description = """\n',
        'title = "Always consider the information needs of the sector (and across sectors)"\n'
        'description = """\n' + "d" * 10_000,
    )
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text)
    assert refused.value.errors[0].startswith("action_points[1] (A-1")
    assert "description: 10118 characters, at most 10000 allowed" in refused.value.errors[0]
