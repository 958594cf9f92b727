"""Thousands of action points at once, by the rules of ``actions.services``.

``create_many`` and ``change_many`` are the bulk forms of ``services.create_action_point``
and ``services.change_action_point``, for imports of up to 20,000 rows: the same checks
(``full_clean``, the plan's code unique), one journal row per item created or changed, a
version bump per change and ``services.StaleVersion`` for an item that moved on since the
caller read it, all in one transaction. What differs is the cost: a few queries per
``BATCH`` items instead of several per item, which is what lets a 20,000-row import finish
in well under a minute.

Items changed here are locked (``select_for_update``) before they are compared, so a
concurrent writer waits on PostgreSQL; on SQLite a writer that committed meanwhile makes
this transaction's first write fail, so a change is never silently overwritten.
"""

import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from .models import ActionPoint, ActionUpdate, Status
from .selectors import display_name
from .services import (
    M2M_FIELDS,
    SCALAR_FIELDS,
    StaleVersion,
    User,
    _as_text,
    _author,
    _kind_of,
    _m2m_text,
)

# Items per batch: the IN lists stay well under SQLite's parameter limit.
BATCH = 500
# Django checks each foreign key with a query of its own; the callers pass objects they
# read from the database, and the database's constraints refuse a dangling one anyway.
NOT_CLEANED = ("plan", "area", "parent", "forum", *M2M_FIELDS)

Progress = Callable[[int], None]


class Refused(Exception):
    """The item at ``index`` of the caller's list breaks a rule; nothing was written."""

    def __init__(self, index: int, messages: list[str]) -> None:
        super().__init__(f"item {index}: " + "; ".join(messages))
        self.index, self.messages = index, messages


def _batches(count: int) -> Iterator[range]:
    for start in range(0, count, BATCH):
        yield range(start, min(start + BATCH, count))


def _through_rows(items: Sequence[ActionPoint], field: str, objects: Sequence[Sequence[Model]]):
    relation = getattr(ActionPoint, field)
    through = relation.through
    target = relation.field.m2m_reverse_field_name()
    source = relation.field.m2m_field_name()
    return through, [
        through(**{f"{source}_id": item.pk, f"{target}_id": obj.pk})
        for item, chosen in zip(items, objects, strict=True)
        for obj in chosen
    ]


def create_many(
    *,
    by: User,
    items: Sequence[Mapping[str, Any]],
    note: str = "",
    progress: Progress | None = None,
) -> list[ActionPoint]:
    """Create each item (the keyword arguments of ``services.create_action_point``) with its
    first journal entry. Raises ``Refused`` naming the first item that breaks a rule; the
    caller's transaction then writes nothing."""
    now = timezone.now()
    author = _author(by)
    name = display_name(author)
    created: list[ActionPoint] = []
    with transaction.atomic():
        for batch in _batches(len(items)):
            objects, leads, focal = [], [], []
            for index in batch:
                values = dict(items[index])
                leads.append(list(values.pop("lead_organizations", ())))
                focal.append(list(values.pop("focal_points", ())))
                values.pop("note", None)
                status = values.setdefault("status", Status.NOT_STARTED)
                item = ActionPoint(
                    **values,
                    created_at=now,
                    updated_at=now,
                    completed_at=now if status == Status.DONE else None,
                )
                try:
                    # Uniqueness is checked below for the whole batch in one query.
                    item.full_clean(
                        exclude=NOT_CLEANED, validate_unique=False, validate_constraints=False
                    )
                except ValidationError as exc:
                    raise Refused(index, exc.messages) from exc
                objects.append(item)
            _refuse_taken_codes(objects, batch)
            ActionPoint.objects.bulk_create(objects)
            for field, chosen in (("lead_organizations", leads), ("focal_points", focal)):
                through, rows = _through_rows(objects, field, chosen)
                through.objects.bulk_create(rows)
            ActionUpdate.objects.bulk_create(
                ActionUpdate(
                    action_point=item,
                    author=author,
                    author_name=name,
                    created_at=now,
                    kind=ActionUpdate.Kind.CREATED,
                    status_after=item.status,
                    note=note,
                    version=item.version,
                )
                for item in objects
            )
            created += objects
            if progress:
                progress(len(objects))
    return created


def _refuse_taken_codes(objects: list[ActionPoint], batch: range) -> None:
    keys = [(item.plan_id, item.code) for item in objects]
    taken = set(
        ActionPoint.objects.filter(
            plan_id__in={plan for plan, _code in keys}, code__in={code for _plan, code in keys}
        ).values_list("plan_id", "code")
    )
    seen: set[tuple[int, str]] = set()
    for index, item, key in zip(batch, objects, keys, strict=True):
        if key in taken or key in seen:
            try:
                item.validate_constraints()  # Django's own message, in the reader's language
            except ValidationError as exc:
                raise Refused(index, exc.messages) from exc
            raise Refused(index, [f"{item.code} is twice in the list"])
        seen.add(key)


def change_many(
    *,
    by: User,
    changes: Sequence[tuple[int, int | None, Mapping[str, Any]]],
    note: str = "",
    progress: Progress | None = None,
) -> list[ActionUpdate]:
    """Apply each ``(item id, expected version, changes)`` as ``services.change_action_point``
    would, and journal it. Raises ``StaleVersion`` for an item at another version than
    expected, ``Refused`` naming the first change that breaks a rule; the caller's
    transaction then writes nothing. A change that changes nothing is journaled as a note
    when there is one (the version moves on, as for any entry), and skipped otherwise."""
    now = timezone.now()
    author = _author(by)
    name = display_name(author)
    entries: list[ActionUpdate] = []
    with transaction.atomic():
        for batch in _batches(len(changes)):
            ids = [changes[i][0] for i in batch]
            locked = ActionPoint.objects.select_for_update(of=("self",))
            found = locked.select_related("area", "parent").in_bulk(ids)
            related = {
                field: _related(field, ids)
                for field in M2M_FIELDS
                if any(field in changes[i][2] for i in batch)
            }
            changed: list[ActionPoint] = []
            m2m: dict[str, tuple[list[ActionPoint], list[list[Model]]]] = {
                field: ([], []) for field in M2M_FIELDS
            }
            batch_entries = []
            for index in batch:
                pk, expected, values = changes[index]
                item = found[pk]
                if expected is not None and item.version != expected:
                    raise StaleVersion(item)
                entry = _change(item, values, note, now, m2m, related)
                if entry is None:
                    continue
                try:
                    if "code" in entry.changes:
                        item.validate_constraints()
                    item.full_clean(
                        exclude=NOT_CLEANED, validate_unique=False, validate_constraints=False
                    )
                except ValidationError as exc:
                    raise Refused(index, exc.messages) from exc
                entry.author, entry.author_name = author, name
                batch_entries.append(entry)
                item.version = entry.version
                changed.append(item)
            written = {name for entry in batch_entries for name in entry.changes}
            if any(entry.status_before != entry.status_after for entry in batch_entries):
                written.add("status")
            _write(changed, [f for f in SCALAR_FIELDS if f in written])
            for field, (owners, objects) in m2m.items():
                through, rows = _through_rows(owners, field, objects)
                source = getattr(ActionPoint, field).field.m2m_field_name()
                through.objects.filter(**{f"{source}_id__in": [o.pk for o in owners]}).delete()
                through.objects.bulk_create(rows)
            ActionUpdate.objects.bulk_create(batch_entries)
            entries += batch_entries
            if progress:
                progress(len(batch))
    return entries


def _related(field: str, ids: list[int]) -> dict[int, list[Model]]:
    """Each item's leads or focal points, in two queries for the batch: Django's
    ``prefetch_related`` builds a queryset per item, 20 of the 40 s of 20,000 changes."""
    relation = getattr(ActionPoint, field)
    source = relation.field.m2m_field_name()
    target = relation.field.m2m_reverse_field_name()
    pairs = list(
        relation.through.objects.filter(**{f"{source}_id__in": ids}).values_list(
            f"{source}_id", f"{target}_id"
        )
    )
    model = relation.field.related_model
    objects = model.objects.all()
    if any(f.name == "organization" for f in model._meta.fields):
        objects = objects.select_related("organization")  # a person's name shows it
    found = objects.in_bulk({pk for _item, pk in pairs})
    result: dict[int, list[Model]] = {}
    for item, pk in pairs:
        result.setdefault(item, []).append(found[pk])
    return result


def _write(items: list[ActionPoint], fields: list[str]) -> None:
    """Save these fields, and the version and times, of each item: one ``UPDATE ... FROM
    (VALUES ...)`` per slice of items. Django's ``bulk_update`` builds a ``CASE`` per field
    and item, which took 25 s of the 30 s of applying 2,000 changes; this takes a second."""
    names = [*fields, "updated_at", "completed_at", "version"]
    columns = [cast(Field, ActionPoint._meta.get_field(name)) for name in names]
    quote = connection.ops.quote_name
    table = quote(ActionPoint._meta.db_table)
    # PostgreSQL gives the VALUES columns the type of their first row; typed, they compare
    # and assign without surprise. SQLite has no types to give (a CAST AS date is a number).
    if connection.vendor == "postgresql":
        row = (
            "("
            + ", ".join(
                ["CAST(%s AS bigint)"] + [f"CAST(%s AS {c.db_type(connection)})" for c in columns]
            )
            + ")"
        )
    else:
        row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    sets = ", ".join(f"{quote(c.column)} = v.column{i}" for i, c in enumerate(columns, start=2))
    # SQLite's limit of 999 parameters a statement.
    per_statement = min(BATCH, 999 // (len(columns) + 1))
    with connection.cursor() as cursor:
        for start in range(0, len(items), per_statement):
            chunk = items[start : start + per_statement]
            params: list[Any] = []
            for item in chunk:
                params.append(item.pk)
                params += [
                    c.get_db_prep_save(getattr(item, c.attname), connection) for c in columns
                ]
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([row] * len(chunk))}) AS v "  # noqa: S608 - names from the model, values as parameters
                f"WHERE {table}.{quote('id')} = v.column1",
                params,
            )


def _change(
    item: ActionPoint,
    values: Mapping[str, Any],
    note: str,
    now: datetime.datetime,
    m2m: dict[str, tuple[list[ActionPoint], list[list[Model]]]],
    related: dict[str, dict[int, list[Model]]],
) -> ActionUpdate | None:
    """Set ``values`` on the loaded item and return its journal entry (unsaved), as
    ``services.change_action_point`` computes it; None when there is nothing to record."""
    unknown = set(values) - set(SCALAR_FIELDS) - set(M2M_FIELDS)
    if unknown:
        raise TypeError(f"change_many() cannot change {', '.join(sorted(unknown))}")
    status_before = item.status
    diff: dict[str, list[str]] = {}
    for field in SCALAR_FIELDS:
        if field in values and getattr(item, field) != values[field]:
            diff[field] = [_as_text(getattr(item, field)), _as_text(values[field])]
            setattr(item, field, values[field])
    for field in M2M_FIELDS:
        if field in values:
            before = related[field].get(item.pk, [])
            after = list(values[field])
            if {o.pk for o in before} != {o.pk for o in after}:
                diff[field] = [_m2m_text(before), _m2m_text(after)]
                m2m[field][0].append(item)
                m2m[field][1].append(after)
    if not diff and not note:
        return None
    if "status" in diff:
        item.completed_at = now if item.status == Status.DONE else None
    item.updated_at = now
    return ActionUpdate(
        action_point=item,
        created_at=now,
        kind=_kind_of(diff),
        status_before=status_before,
        status_after=item.status,
        note=note,
        changes={k: v for k, v in diff.items() if k != "status"},
        version=item.version + 1,
    )
