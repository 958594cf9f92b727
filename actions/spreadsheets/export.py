"""The filtered action point list as CSV, HXL-tagged CSV and Excel.

Rows are read as plain values in chunks (``export_rows``) and written as they come: the
CSV is streamed to the client (on PostgreSQL the database writes its lines: ``copied``),
the workbook is written by openpyxl's write-only mode to a temporary file that spills to
disk. Neither holds the whole list in memory.
Which columns an export carries is decided by the caller (``columns.columns_for``): staff
e-mails only for coordinators. The files are written by ``actions.tables``.
"""

import datetime
from collections.abc import Iterator
from itertools import chain
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Aggregate, CharField, Model, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from actions import tables
from actions.models import ActionPoint
from actions.sample_data import sample_rows
from participants.models import Organization, Person

from . import copied
from .columns import Column

CHUNK_SIZE = 1000
# What a row reads of the item, its plan, area, parent and forum, in the order
# ``export_rows`` unpacks them: one statement for all the rows.
_ITEM_FIELDS = (
    "pk", "plan__key", "area__code", "code", "parent__code", "title", "description",
    "status", "due_date", "forum__acronym", "completed_at", "updated_at",
    "forum_inferred", "agreed_event__title", "agreed_meeting__forum__acronym",
    "agreed_meeting__date", "agreed_on", "agreed_text",
)  # fmt: skip
# Every value ``export_rows`` can give, in the order it works them out.
_EVERY_KEY = (
    "id", "plan", "area", "code", "parent", "title", "description", "status", "due_date",
    "leads", "forum", "forum_inferred", "agreed_at", "agreed_on", "as_agreed",
    "focal_points", "focal_emails", "completed_at", "updated_at", "url", "sample",
)  # fmt: skip


class IdList(Aggregate):
    """The ids of a group as text, ``"3,17"``: ``group_concat`` on SQLite, ``string_agg``
    on PostgreSQL, whose arrays of ids read from an index cost a fraction of what joining
    the names in the same statement does."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s::text, ',')",
            **extra_context,
        )


def _linked(through: type[Model], column: str) -> Subquery:
    """Per item (``OuterRef("pk")``), the ids of ``column`` in its rows of ``through``."""
    return Subquery(
        through._default_manager.filter(actionpoint_id=OuterRef("pk"))
        .values("actionpoint_id")
        .annotate(ids=IdList(column))
        .values("ids")
    )


def export_rows(filtered: QuerySet[ActionPoint], columns: list[Column]) -> Iterator[list[Any]]:
    """The list's filtered rows, each as the values of ``columns``: ints, dates and local
    date-times stay typed; everything else is text.

    Plain values rather than items: building every item, its leads and its focal points as
    model instances took five times as long as the database's own work. One statement reads
    the rows with the ids of their leads and focal points, through a server-side cursor
    (PostgreSQL) ``CHUNK_SIZE`` at a time, so memory stays flat; the organisations and
    people those ids name are read once, in their own order, once the first row is in."""
    wanted = [_EVERY_KEY.index(c.key) for c in columns]
    item_url = ActionPoint.url_for_id()
    site_url = settings.SITE_URL
    here = timezone.get_current_timezone()
    through = ActionPoint.lead_organizations.through, ActionPoint.focal_points.through
    # Without the list's prefetch of leads, which would build them as instances.
    rows = (
        filtered.prefetch_related(None)
        .annotate(
            export_sample=sample_rows(),
            export_leads=_linked(through[0], "organization_id"),
            export_focal_points=_linked(through[1], "person_id"),
        )
        .values_list(*_ITEM_FIELDS, "export_sample", "export_leads", "export_focal_points")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    first = next(rows, None)
    if first is None:
        return
    # Read after the rows' statement has started, so that they name every lead and focal
    # point it can see, even one added a moment before.
    organizations = _organizations()
    people = _people()
    rows = chain([first], rows)
    sample = str(_("Sample"))
    yes = str(_("yes"))
    for (pk, plan, area, code, parent, title, description, status, due_date, forum,
         completed_at, updated_at, forum_inferred, event, meeting_forum, meeting_date,
         agreed_on, agreed_text, is_sample, lead_ids, person_ids) in rows:  # fmt: skip
        # In the organisations' and the people's own order, as the pages list them.
        leads = sorted(organizations[int(i)] for i in lead_ids.split(",")) if lead_ids else ()
        focal = sorted(people[int(i)] for i in person_ids.split(",")) if person_ids else ()
        everything = (
            pk,
            plan,
            area,
            code,
            parent or "",
            title,
            description,
            status,
            due_date,
            ", ".join(acronym for _rank, acronym in leads),
            forum or "",
            yes if forum_inferred else "",
            event or _meeting_name(meeting_forum, meeting_date),
            agreed_on,
            agreed_text,
            ", ".join(name for _rank, name, _email in focal),
            ", ".join(email for _rank, _name, email in focal if email),
            # Site time, to the second: what the pages show, and what a reader expects.
            completed_at.astimezone(here).replace(microsecond=0) if completed_at else None,
            updated_at.astimezone(here).replace(microsecond=0) if updated_at else None,
            site_url + item_url(pk),
            sample if is_sample else "",
        )
        yield [everything[i] for i in wanted]


def csv_rows(filtered: QuerySet[ActionPoint], columns: list[Column]) -> Iterator[bytes]:
    """The filtered rows as CSV lines: written by PostgreSQL's ``COPY`` there (``copied``),
    from ``export_rows`` by Python's ``csv`` elsewhere; the same bytes either way."""
    if connections[filtered.db].vendor == "postgresql":
        return copied.csv_rows(filtered, columns)
    return tables.csv_rows(export_rows(filtered, columns), columns)


def _meeting_name(forum: str | None, day: datetime.date | None) -> str:
    if not forum or not day:
        return ""
    return _("%(forum)s meeting, %(date)s") % {"forum": forum, "date": day.isoformat()}


def _organizations() -> dict[int, tuple[int, str]]:
    """Organisation id → (its place in the organisations' order, its acronym)."""
    ordered = Organization.objects.order_by("acronym", "pk").values_list("pk", "acronym")
    return {pk: (rank, acronym) for rank, (pk, acronym) in enumerate(ordered)}


def _people() -> dict[int, tuple[int, str, str]]:
    """Person id → (their place in the people's order, "First Last (ACRONYM)" as
    ``Person.full_name`` writes it, their e-mail). In ``Person.Meta.ordering``, then by id, so
    that namesakes keep theirs."""
    ordered = Person.objects.order_by("last_name", "first_name", "pk").values_list(
        "pk", "first_name", "last_name", "organization__acronym", "email"
    )
    return {
        pk: (rank, f"{first_name} {last_name} ({acronym})", email)
        for rank, (pk, first_name, last_name, acronym, email) in enumerate(ordered)
    }


def filter_summary(form) -> list[tuple[str, str]]:
    """The filters of a valid list form in words, e.g. ``("Status", "Blocked, Done")``."""
    summary = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name == "page" or value in (None, "", []):
            continue
        choices = {str(k): str(v) for k, v in getattr(field, "choices", [])}
        if isinstance(value, list):
            text = ", ".join(choices.get(str(v), str(v)) for v in value)
        elif isinstance(value, datetime.date):
            text = value.isoformat()
        elif name == "overdue":
            text = _("yes")
        elif hasattr(value, "acronym"):
            text = value.acronym
        else:
            text = choices.get(str(value), str(value))
        summary.append((str(field.label), text))
    return summary


def export_filename(extension: str, now: datetime.datetime | None = None) -> str:
    """e.g. ``action-points-2025-03-01-0930.xlsx``, in site time."""
    moment = timezone.localtime(now)
    return f"action-points-{moment:%Y-%m-%d-%H%M}.{extension}"
