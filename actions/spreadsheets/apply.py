"""Applying a spreadsheet preview: all or nothing, every change through the journal.

``apply_preview`` writes a preview without errors in one transaction: the organisations
the coordinator asked to create, then the items, through the bulk forms of
``services.create_action_point`` and ``services.change_action_point``
(``actions.bulk_changes``: one journal row per item created or changed, noting the file;
a few queries per 500 rows, not per row). Each update names the version the coordinator's
preview showed: an item changed since then raises ``ImportConflict`` and nothing is
written.
"""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Lower

from actions import bulk_changes, services
from actions.models import ActionPlan, ActionPoint
from participants.models import Organization

from .preview import PlannedRow, PlannedUpdate, Preview


class ImportConflict(Exception):
    """Items changed since the preview (or the preview no longer holds); nothing written."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes


class ImportRefused(Exception):
    """A row broke a rule of the plan while applying; nothing was written."""

    def __init__(self, row: int, messages: list[str]) -> None:
        super().__init__(f"row {row}: " + "; ".join(messages))
        self.row, self.messages = row, messages


@dataclass
class ApplyResult:
    created: list[str]
    updated: list[str]
    organizations: list[str]


def apply_preview(
    preview: Preview,
    *,
    by: services.User,
    seen: dict[int, int] | None = None,
    progress: bulk_changes.Progress | None = None,
) -> ApplyResult:
    """Write a preview without errors, all or nothing; see the module docstring.

    ``seen`` is the version of each item as the coordinator's preview showed it (the
    preview's own versions when None). An item at another version raises
    ``ImportConflict`` naming it; a row the services refuse raises ``ImportRefused``.
    ``progress`` is told how many more rows were written, a batch at a time.
    """
    if preview.errors:
        raise ValueError("A preview with errors cannot be applied.")
    seen = preview.versions if seen is None else seen
    stale = [p.code for p in preview.updates if seen.get(p.item.pk) != p.item.version]
    if stale:
        raise ImportConflict(stale)
    # The journal is a record, written in the project's language like a plan file's notes.
    note_created = f"Imported from {preview.source}."
    note_updated = f"Updated from {preview.source}."
    result = ApplyResult(created=[], updated=[], organizations=[])
    try:
        with transaction.atomic():
            orgs = {}
            for entry in preview.new_organizations:
                try:
                    with transaction.atomic():
                        orgs[entry["acronym"]] = Organization.objects.create(**entry)
                except IntegrityError as exc:
                    # Someone created it (or took its name) since the preview.
                    raise ImportConflict([entry["acronym"]]) from exc
                result.organizations.append(entry["acronym"])
            _Writer(preview, by, orgs, seen, note_created, note_updated, result, progress).run()
    except services.StaleVersion as exc:
        raise ImportConflict([exc.current.code]) from exc
    return result


class _Writer:
    def __init__(self, preview, by, orgs, seen, note_created, note_updated, result, progress):
        self.preview, self.by, self.orgs, self.seen = preview, by, orgs, seen
        self.note_created, self.note_updated, self.result = note_created, note_updated, result
        self.progress = progress
        self.created: dict[tuple[int, str], ActionPoint] = {}
        self.parents: dict[tuple[int, str], ActionPoint] = {}

    def run(self) -> None:
        # Items leave their old parents before new parents are created, and new parents
        # exist before items move under them.
        first = [p for p in self.preview.updates if not p.values.get("parent_code")]
        last = [p for p in self.preview.updates if p.values.get("parent_code")]
        self._update(first)
        self._load_parents()
        positions = {
            row["area"]: row["last"] or 0
            for row in ActionPoint.objects.filter(
                area__in={p.values["area"].pk for p in self.preview.creates}
            )
            .values("area")
            .annotate(last=Max("position"))
        }
        for level in (
            [p for p in self.preview.creates if not p.values["parent_code"]],
            [p for p in self.preview.creates if p.values["parent_code"]],
        ):
            numbered = []
            for planned in level:
                area = planned.values["area"]
                positions[area.pk] = positions.get(area.pk, 0) + 1
                numbered.append((planned, positions[area.pk]))
            self._create(numbered)
        self._update(last)

    def _load_parents(self) -> None:
        """The items in the site that rows name as parents, in a few queries."""
        wanted: dict[int, set[str]] = {}
        for planned in (*self.preview.creates, *self.preview.updates):
            if planned.values.get("parent_code"):
                wanted.setdefault(planned.plan.pk, set()).add(planned.values["parent_code"].lower())
        for plan_id, codes in wanted.items():
            found = ActionPoint.objects.annotate(code_lower=Lower("code")).filter(
                plan_id=plan_id, code_lower__in=codes
            )
            for item in found.order_by("-pk"):  # the older of two codes differing in case wins
                self.parents[(plan_id, item.code_lower)] = item

    def _arguments(self, planned: PlannedRow) -> dict[str, Any]:
        values = dict(planned.values)
        if "lead_organizations" in values:
            values["lead_organizations"] = [
                self.orgs[o] if isinstance(o, str) else o for o in values["lead_organizations"]
            ]
        if "parent_code" in values:
            code = values.pop("parent_code")
            values["parent"] = self._item(planned.plan, code) if code else None
        return values

    def _item(self, plan: ActionPlan, code: str) -> ActionPoint:
        key = (plan.pk, code.lower())
        return self.created.get(key) or self.parents[key]

    def _create(self, numbered: list[tuple[PlannedRow, int]]) -> None:
        arguments = [
            {"plan": planned.plan, "position": position, **self._arguments(planned)}
            for planned, position in numbered
        ]
        try:
            items = bulk_changes.create_many(
                by=self.by, items=arguments, note=self.note_created, progress=self.progress
            )
        except bulk_changes.Refused as exc:
            raise ImportRefused(numbered[exc.index][0].row, exc.messages) from exc
        for (planned, _position), item in zip(numbered, items, strict=True):
            self.created[(planned.plan.pk, planned.code.lower())] = item
            self.result.created.append(item.code)

    def _update(self, planned_updates: list[PlannedUpdate]) -> None:
        changes = [(p.item.pk, self.seen[p.item.pk], self._arguments(p)) for p in planned_updates]
        try:
            bulk_changes.change_many(
                by=self.by, changes=changes, note=self.note_updated, progress=self.progress
            )
        except bulk_changes.Refused as exc:
            raise ImportRefused(planned_updates[exc.index].row, exc.messages) from exc
        self.result.updated += [p.item.code for p in planned_updates]
