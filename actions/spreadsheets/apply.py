"""Applying a spreadsheet preview: all or nothing, every change through the journal.

``apply_preview`` writes a preview without errors in one transaction: the organisations
the coordinator asked to create, then the items, through ``services.create_action_point``
and ``services.change_action_point`` (one journal row per item created or changed, noting
the file). Each update names the version the coordinator's preview showed: an item changed
since then raises ``ImportConflict`` and nothing is written.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Lower

from actions import services
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
    preview: Preview, *, by: services.User, seen: dict[int, int] | None = None
) -> ApplyResult:
    """Write a preview without errors, all or nothing; see the module docstring.

    ``seen`` is the version of each item as the coordinator's preview showed it (the
    preview's own versions when None). An item at another version raises
    ``ImportConflict`` naming it; a row the services refuse raises ``ImportRefused``.
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
            _Writer(preview, by, orgs, seen, note_created, note_updated, result).run()
    except services.StaleVersion as exc:
        raise ImportConflict([exc.current.code]) from exc
    return result


class _Writer:
    def __init__(self, preview, by, orgs, seen, note_created, note_updated, result) -> None:
        self.preview, self.by, self.orgs, self.seen = preview, by, orgs, seen
        self.note_created, self.note_updated, self.result = note_created, note_updated, result
        self.created: dict[tuple[int, str], ActionPoint] = {}

    def run(self) -> None:
        # Items leave their old parents before new parents are created, and new parents
        # exist before items move under them.
        first = [p for p in self.preview.updates if not p.values.get("parent_code")]
        last = [p for p in self.preview.updates if p.values.get("parent_code")]
        for planned in first:
            self._update(planned)
        positions = {
            row["area"]: row["last"] or 0
            for row in ActionPoint.objects.filter(
                area__in={p.values["area"].pk for p in self.preview.creates}
            )
            .values("area")
            .annotate(last=Max("position"))
        }
        creates = sorted(self.preview.creates, key=lambda p: bool(p.values["parent_code"]))
        for planned in creates:
            area = planned.values["area"]
            positions[area.pk] = positions.get(area.pk, 0) + 1
            self._create(planned, positions[area.pk])
        for planned in last:
            self._update(planned)

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
        if key in self.created:
            return self.created[key]
        return ActionPoint.objects.annotate(code_lower=Lower("code")).get(
            plan=plan, code_lower=code.lower()
        )

    def _create(self, planned: PlannedRow, position: int) -> None:
        try:
            item = services.create_action_point(
                by=self.by,
                plan=planned.plan,
                position=position,
                note=self.note_created,
                **self._arguments(planned),
            )
        except ValidationError as exc:
            raise ImportRefused(planned.row, exc.messages) from exc
        self.created[(planned.plan.pk, planned.code.lower())] = item
        self.result.created.append(item.code)

    def _update(self, planned: PlannedUpdate) -> None:
        try:
            services.change_action_point(
                action_point=planned.item.pk,
                by=self.by,
                expected_version=self.seen[planned.item.pk],
                note=self.note_updated,
                **self._arguments(planned),
            )
        except ValidationError as exc:
            raise ImportRefused(planned.row, exc.messages) from exc
        self.result.updated.append(planned.item.code)
