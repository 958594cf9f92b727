"""Large fixtures in a few statements instead of a transaction per row.

``ActionPointFactory`` goes through ``services.create_action_point`` and a change through
``services.change_action_point``: right for the tests of those, but hundreds of rows built
that way were most of the suite's time. These helpers write the same rows with
``bulk_create``, as ``actions.synthetic`` does for the benchmark:

- ``create_action_points`` takes ``ActionPointFactory``'s keywords (and its defaults and
  sequences) and writes what the service would: ``created_at`` = ``updated_at`` = now,
  ``completed_at`` now when done, version 1, the lead and focal-point rows, and a
  ``created`` journal entry by ``by``.
- ``change_action_points`` journals a note and/or a status change on each item as the
  service does: the version goes up by one, ``updated_at`` (and ``completed_at`` with the
  status) moves to now, one journal entry each.

What the service checks before writing is left to the database here (codes unique per
plan, areas and parents in the item's plan, valid statuses), and ``area_order`` is set by
the database triggers, as for any insert. Rows are written in one batch, so they share
one timestamp; the journal still reads newest first (ties go to the higher id).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from actions.models import ActionPoint, ActionUpdate, Status
from participants.models import Organization, Person

from .factories import ActionPointFactory, OrganizationFactory, PersonFactory

Lead = ActionPoint.lead_organizations.through
Focal = ActionPoint.focal_points.through

FIELDS = (
    "plan",
    "area",
    "parent",
    "code",
    "position",
    "title",
    "description",
    "status",
    "due_date",
    "forum",
)


def _author(user):
    return user if user is not None and user.is_authenticated else None


def create_action_points(rows: Iterable[Mapping[str, Any]]) -> list[ActionPoint]:
    """``[ActionPointFactory(**row) for row in rows]``, in four INSERTs.

    A parent must exist before its sub-items: create parents in an earlier call. As with
    the service, ``area_order`` is right in the database, not on the returned objects.
    """
    now = timezone.now()
    items, leads, focal, notes, authors = [], [], [], [], []
    for row in rows:
        unknown = set(row) - {*FIELDS, "leads", "focal", "by", "note"}
        if unknown:
            raise TypeError(f"create_action_points() cannot set {', '.join(sorted(unknown))}")
        spec = ActionPointFactory.stub(**{k: v for k, v in row.items() if k != "note"})
        item = ActionPoint(
            **{field: getattr(spec, field) for field in FIELDS},
            created_at=now,
            updated_at=now,
            completed_at=now if spec.status == Status.DONE else None,
        )
        item.clean_fields(exclude=["plan", "area", "parent", "forum"])
        item.clean()
        items.append(item)
        leads.append(list(spec.leads))
        focal.append(list(spec.focal))
        notes.append(row.get("note", ""))
        authors.append(_author(spec.by))
    with transaction.atomic():
        items = ActionPoint.objects.bulk_create(items)
        Lead.objects.bulk_create(
            Lead(actionpoint_id=item.pk, organization_id=organization.pk)
            for item, organizations in zip(items, leads, strict=True)
            for organization in organizations
        )
        Focal.objects.bulk_create(
            Focal(actionpoint_id=item.pk, person_id=person.pk)
            for item, people in zip(items, focal, strict=True)
            for person in people
        )
        ActionUpdate.objects.bulk_create(
            ActionUpdate(
                action_point=item,
                author=author,
                created_at=now,
                kind=ActionUpdate.Kind.CREATED,
                status_after=item.status,
                note=note,
                version=item.version,
            )
            for item, note, author in zip(items, notes, authors, strict=True)
        )
    return items


def change_action_points(
    items: Sequence[ActionPoint],
    *,
    by,
    note: str | Sequence[str] = "",
    status: str | None = None,
) -> list[ActionUpdate]:
    """``services.change_action_point(action_point=item, by=by, note=..., status=status)``
    for each item in turn, in a few queries. ``note`` is one for all or one per item; an item
    may come more than once (one journal entry and one version each time). The items passed
    in are brought up to date (status, version, times), as a reload would."""
    notes = [note] * len(items) if isinstance(note, str) else list(note)
    if len(notes) != len(items):
        raise ValueError("one note per item, or one note for all")
    now = timezone.now()
    author = _author(by)
    with transaction.atomic():
        current = ActionPoint.objects.select_for_update().in_bulk([item.pk for item in items])
        journal, changed, times = [], set(), Counter()
        for item, text in zip(items, notes, strict=True):
            row = current[item.pk]
            text = (text or "").strip()
            status_before = row.status
            changes_status = status is not None and status != row.status
            if not changes_status and not text:
                raise ValueError(f"nothing to change on {row.code}")  # NothingToChange
            if changes_status:
                row.status = status
                row.completed_at = now if status == Status.DONE else None
                changed.add(row.pk)
            row.updated_at = now
            row.version += 1
            times[row.pk] += 1
            journal.append(
                ActionUpdate(
                    action_point=row,
                    author=author,
                    created_at=now,
                    kind=ActionUpdate.Kind.STATUS_CHANGE
                    if changes_status
                    else ActionUpdate.Kind.NOTE,
                    status_before=status_before,
                    status_after=row.status,
                    note=text,
                    changes={},
                    version=row.version,
                )
            )
        # One UPDATE per kind of change: bulk_update's CASE per row cost more than the rest.
        groups = defaultdict(list)
        for pk, count in times.items():
            groups[count, pk in changed].append(pk)
        for (count, status_changed), pks in groups.items():
            fields = {"version": F("version") + count, "updated_at": now}
            if status_changed:
                fields.update(status=status, completed_at=now if status == Status.DONE else None)
            ActionPoint.objects.filter(pk__in=pks).update(**fields)
        journal = ActionUpdate.objects.bulk_create(journal)
    for item in items:
        row = current[item.pk]
        for field in ("status", "completed_at", "updated_at", "version"):
            setattr(item, field, getattr(row, field))
    return journal


def create_people(count: int, **fields) -> list[Person]:
    """``PersonFactory.create_batch(count, **fields)``, each with a new organisation unless
    one is given, in two queries."""
    people = PersonFactory.build_batch(count, **fields)
    Organization.objects.bulk_create(p.organization for p in people if p.organization_id is None)
    return Person.objects.bulk_create(people)


def create_organizations(rows: Iterable[Mapping[str, Any]]) -> list[Organization]:
    """``[OrganizationFactory(**row) for row in rows]`` for organisations that do not exist
    yet, in one query."""
    return Organization.objects.bulk_create(OrganizationFactory.build(**row) for row in rows)
