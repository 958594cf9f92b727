"""The CSV that PostgreSQL writes (``COPY``) is, byte for byte, the CSV that Python's ``csv``
writes from ``export_rows`` (what SQLite and the workbook use), over values chosen to
trip one or the other: quotes, commas, line breaks, a lone carriage return, formulas,
apostrophes, Arabic, empty and missing values, meetings and events, sample rows, every
sort, filters, both languages and a time zone west of UTC."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone, translation

from actions import selectors, tables
from actions.journal import ActionUpdate
from actions.meetings.models import Meeting
from actions.models import ActionPoint
from actions.spreadsheets import copied, export
from actions.spreadsheets.columns import columns_for
from participants.models import Event
from tests.actions.spreadsheets.test_export import items, today  # noqa: F401 (fixtures)
from tests.conftest import need_service
from tests.factories import ForumFactory

QUERIES = [
    "",
    "sort=code",
    "sort=-code",
    "sort=due_date",
    "sort=-due_date",
    "sort=status",
    "sort=-status",
    "sort=updated_at",
    "sort=-updated_at",
    "area=B",
    "status=in_progress&status=blocked",
    "q=shared",
    "organization=IOM",
]


@pytest.fixture
def tricky(items):  # noqa: F811 (the fixture imported above)
    """The export's items, several of them given values that CSV writers treat apart."""
    need_service(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    forum = ForumFactory(acronym="CCCM", name="Camp coordination")
    meeting = Meeting.objects.create(forum=forum, date=datetime.date(2018, 1, 15))
    event = Event.objects.create(
        key="pim-training",
        title='PIM training, "Tunis"',
        start_date=datetime.date(2017, 12, 3),
        end_date=datetime.date(2017, 12, 7),
    )
    values = [
        dict(title='Say "yes", then act', agreed_event=event, agreed_text="=agreed"),
        dict(title="Line one\rline two", description="a\r\nb", agreed_meeting=meeting),
        dict(title="'=already quoted", description="''+two apostrophes", forum_inferred=True),
        dict(title=" spaces around ", description="", agreed_text="'plain"),
        dict(
            title="حماية، ومساءلة", description="نص, مع فاصلة", agreed_on=datetime.date(2017, 12, 7)
        ),
    ]
    for item, changes in zip(items, values, strict=False):
        ActionPoint.objects.filter(pk=item.pk).update(**changes)
    # A sample row in the journal, as load_demo writes them (the journal takes no updates).
    created = ActionUpdate.objects.filter(action_point=items[-1]).get()
    ActionUpdate.objects.create(
        action_point=created.action_point,
        author=created.author,
        created_at=created.created_at,
        kind=created.kind,
        status_after=created.status_after,
        version=created.version,
        note="Sample progress",
        is_sample=True,
    )
    return items


def both(query: str, *, with_contacts: bool) -> tuple[bytes, bytes]:
    """The lines PostgreSQL writes, and the lines Python writes, for the list's ``query``."""
    filtered = selectors.filtered_list(QueryDict(query)).qs
    columns = columns_for(with_contacts=with_contacts)
    by_copy = b"".join(copied.csv_rows(filtered, columns))
    by_python = b"".join(tables.csv_rows(export.export_rows(filtered, columns), columns))
    return by_copy, by_python


@pytest.mark.parametrize("query", QUERIES)
def test_postgresql_writes_the_same_bytes_as_python(tricky, query):
    by_copy, by_python = both(query, with_contacts=True)
    assert by_copy == by_python
    # A line for every item the list shows, so that two empty files never pass for equal.
    lines = list(csv.reader(io.StringIO(by_copy.decode(), newline="")))
    listed = selectors.filtered_list(QueryDict(query)).qs.values_list("pk", flat=True)
    assert [int(line[0]) for line in lines] == list(listed)
    assert lines


@pytest.mark.parametrize("with_contacts", [True, False])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_same_bytes_in_arabic_west_of_utc_and_without_contacts(tricky, language, with_contacts):
    with translation.override(language), timezone.override("America/New_York"):
        by_copy, by_python = both("", with_contacts=with_contacts)
    assert by_copy == by_python
    if language == "ar":
        # The meeting's name, "Sample" and "yes" in Arabic, from the catalogue.
        for words in ["اجتماع CCCM، 2018-01-15", "تجريبي", "نعم"]:
            assert words.encode() in by_copy, words
    else:
        assert b"CCCM meeting, 2018-01-15" in by_copy
    assert b"-05:00" in by_copy or b"-04:00" in by_copy  # New York's offset, not Tripoli's


def test_the_tricky_values_are_there_to_be_compared(tricky):
    by_copy, _ = both("", with_contacts=True)
    for text in [
        b'"Say ""yes"", then act"',  # quotes doubled, the value quoted for its comma
        b'"Line one\rline two"',  # a lone carriage return is quoted
        b"''=already quoted",  # one apostrophe more before an apostrophe and a formula
        b"'''+two apostrophes",  # and before a run of them
        b"'=agreed",
        b" spaces around ",
        b"CCCM meeting, 2018-01-15",
        b"Sample",
    ]:
        assert text in by_copy, text
    assert by_copy.endswith(b"\r\n")


def test_an_empty_list_writes_no_line(tricky):
    assert both("q=nothing-matches-this", with_contacts=True) == (b"", b"")


def test_a_filter_that_matches_nothing_before_any_statement_writes_no_line(tricky):
    nothing = ActionPoint.objects.filter(pk__in=[]).order_by("pk")
    assert list(copied.csv_rows(nothing, columns_for(with_contacts=True))) == []
