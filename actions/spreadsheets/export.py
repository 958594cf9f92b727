"""The filtered action point list as CSV, HXL-tagged CSV and Excel.

Rows are read as plain values in chunks (``export_rows``) and written as they come: the
CSV is streamed to the client, the workbook is written by openpyxl's write-only mode to a
temporary file that spills to disk. Neither holds the whole list in memory.
Which columns an export carries is decided by the caller (``columns.columns_for``): staff
e-mails only for coordinators. The files are written by ``actions.tables``.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import ActionPoint
from actions.sample_data import sample_rows

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


def export_rows(filtered: QuerySet[ActionPoint], columns: list[Column]) -> Iterator[list[Any]]:
    """The list's filtered rows, each as the values of ``columns``: ints, dates and local
    date-times stay typed; everything else is text.

    Plain values rather than items: building every item, its leads and its focal points as
    model instances took five times as long as the database's own work. The rows come
    through a server-side cursor (PostgreSQL) ``CHUNK_SIZE`` at a time, and each chunk's
    lead organisations and focal points in one query each, so memory stays flat and the
    queries grow by two a chunk, whatever the number of rows."""
    keys = [c.key for c in columns]
    item_url = ActionPoint.url_for_id()
    here = timezone.get_current_timezone()
    # Without the list's prefetch of leads, which would build them as instances.
    rows = (
        filtered.prefetch_related(None)
        .annotate(export_sample=sample_rows())
        .values_list(*_ITEM_FIELDS, "export_sample")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    sample = str(_("Sample"))
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [row[0] for row in chunk]
        leads = _lead_acronyms(ids)
        focal_points = _focal_points(ids)
        for (pk, plan, area, code, parent, title, description, status, due_date, forum,
             completed_at, updated_at, forum_inferred, event, meeting_forum, meeting_date,
             agreed_on, agreed_text, is_sample) in chunk:  # fmt: skip
            names, emails = focal_points.get(pk, ("", ""))
            everything = {
                "id": pk,
                "plan": plan,
                "area": area,
                "code": code,
                "parent": parent or "",
                "title": title,
                "description": description,
                "status": status,
                "due_date": due_date,
                "leads": leads.get(pk, ""),
                "forum": forum or "",
                "forum_inferred": _("yes") if forum_inferred else "",
                "agreed_at": event or _meeting_name(meeting_forum, meeting_date),
                "agreed_on": agreed_on,
                "as_agreed": agreed_text,
                "focal_points": names,
                "focal_emails": emails,
                "completed_at": _local(completed_at, here),
                "updated_at": _local(updated_at, here),
                "url": settings.SITE_URL + item_url(pk),
                "sample": sample if is_sample else "",
            }
            yield [everything[key] for key in keys]


def _meeting_name(forum: str | None, day: datetime.date | None) -> str:
    if not forum or not day:
        return ""
    return _("%(forum)s meeting, %(date)s") % {"forum": forum, "date": day.isoformat()}


def _lead_acronyms(ids: list[int]) -> dict[int, str]:
    """Item id → its lead organisations' acronyms, in the organisations' order."""
    acronyms: dict[int, list[str]] = defaultdict(list)
    leads = (
        ActionPoint.lead_organizations.through.objects.filter(actionpoint_id__in=ids)
        .order_by("organization__acronym")
        .values_list("actionpoint_id", "organization__acronym")
    )
    for item_id, acronym in leads:
        acronyms[item_id].append(acronym)
    return {item_id: ", ".join(found) for item_id, found in acronyms.items()}


def _focal_points(ids: list[int]) -> dict[int, tuple[str, str]]:
    """Item id → its focal points as "First Last (ACRONYM), …" and their e-mails, in the
    people's order (``Person.Meta.ordering``, then by id, so that namesakes keep theirs)."""
    names: dict[int, list[str]] = defaultdict(list)
    emails: dict[int, list[str]] = defaultdict(list)
    rows = (
        ActionPoint.focal_points.through.objects.filter(actionpoint_id__in=ids)
        .order_by("person__last_name", "person__first_name", "person_id")
        .values_list(
            "actionpoint_id",
            "person__first_name",
            "person__last_name",
            "person__organization__acronym",
            "person__email",
        )
    )
    for item_id, first_name, last_name, acronym, email in rows:
        # The name as ``Person.full_name`` writes it.
        names[item_id].append(f"{first_name} {last_name} ({acronym})")
        if email:
            emails[item_id].append(email)
    return {
        item_id: (", ".join(found), ", ".join(emails.get(item_id, [])))
        for item_id, found in names.items()
    }


def _local(moment: datetime.datetime | None, here: datetime.tzinfo) -> datetime.datetime | None:
    # Site time, to the second: what the pages show, and what a reader of the file expects.
    return timezone.localtime(moment, here).replace(microsecond=0) if moment else None


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
