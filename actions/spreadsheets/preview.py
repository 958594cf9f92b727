"""Action points from a spreadsheet: the preview of what an import would do.

``build_preview`` takes the rows ``spreadsheet_rows.parse_sheet`` read and checked cell by
cell, checks them against the site and works out what would happen: rows to create, rows
to update with the fields that change, rows unchanged, rows in error (row, column,
reason), organisations the site does not know. It writes nothing;
``spreadsheet_apply.apply_preview`` writes a preview without errors.

Rows are matched by plan and code. Unlike a plan file (``plan_import``), a spreadsheet may
set status and due date. A column left out of the file is left alone; an empty cell in a
column that is there clears the field (status excepted: empty keeps it). Focal points are
named by e-mail, so people without an e-mail in the site cannot be named and stay where
they are. Plans and areas are not created here: they come from a plan file or the admin.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from actions.models import ActionPlan, ActionPoint, Area, Status
from participants.models import Forum, Organization, Person

from .changes import Change, as_date, describe, differences
from .columns import COLUMNS_BY_KEY, NEW_ITEM_KEYS
from .rows import ParsedFile, ParsedRow, RowError

# Batches for ``__in`` lookups: SQLite allows a limited number of parameters per query.
BATCH = 500


@dataclass
class PlannedRow:
    row: int
    plan: ActionPlan
    code: str
    title: str
    changes: list[Change]
    values: dict[str, Any]  # service arguments; new organisations as their acronym
    item: ActionPoint | None = None  # the item to update, at the version read


@dataclass
class PlannedUpdate(PlannedRow):
    """A row that updates an item: ``item`` is always set."""

    item: ActionPoint


@dataclass(frozen=True)
class UnknownOrganization:
    acronym: str
    rows: tuple[int, ...]


@dataclass
class Preview:
    source: str
    creates: list[PlannedRow] = field(default_factory=list)
    updates: list[PlannedUpdate] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    unknown_organizations: list[UnknownOrganization] = field(default_factory=list)
    new_organizations: list[dict[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.creates or self.updates)

    @property
    def versions(self) -> dict[int, int]:
        """The version of each item to update, as this preview read it."""
        return {p.item.pk: p.item.version for p in self.updates}

    @property
    def fingerprint(self) -> str:
        """What this preview would write, in short: a confirmation is of this, or nothing."""
        data: list[Any] = [
            [p.plan.pk, p.code, p.item.pk if p.item else None, p.item.version if p.item else 0]
            + [[c.field, c.after] for c in p.changes]
            for p in (*self.creates, *self.updates)
        ]
        data.append(self.new_organizations)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def build_preview(parsed: ParsedFile, mapping: dict[str, dict] | None = None) -> Preview:
    """What applying the file would do now, and what stops it. Reads, never writes.

    ``mapping`` says what to do with organisations the site does not know, by lower-case
    acronym: ``{"create": {"name": ..., "kind": ...}}`` or ``{"map": "<acronym>"}``.
    """
    preview = Preview(source=parsed.source, errors=list(parsed.errors), ignored=parsed.ignored)
    if parsed.rows:  # none when the header is wrong: its errors say why
        _Planner(parsed, mapping or {}, preview).run()
    preview.errors.sort(key=lambda e: (e.row, e.column))
    return preview


class _Planner:
    def __init__(self, parsed: ParsedFile, mapping: dict[str, dict], preview: Preview) -> None:
        self.parsed, self.mapping, self.preview = parsed, mapping, preview
        bad = {e.row for e in parsed.errors}
        self.rows = [r for r in parsed.rows if r.row not in bad]

    def error(self, row: int, key: str, message: str) -> None:
        self.preview.errors.append(RowError(row, self.parsed.columns.get(key, ""), message))

    def run(self) -> None:
        self._load()
        planned: list[tuple[ParsedRow, dict]] = []
        seen: dict[tuple[int, str], int] = {}
        # Lower-case acronym -> the acronym as first written, and the rows naming it.
        unknown: dict[str, tuple[str, list[int]]] = {}
        for row in self.rows:
            resolved = self._resolve(row, unknown)
            if resolved is None:
                continue
            key = (resolved["plan"].pk, row.values["code"].lower())
            if key in seen:
                self.error(row.row, "code", _("already on row %(row)d") % {"row": seen[key]})
                continue
            seen[key] = row.row
            planned.append((row, resolved))
        self.preview.unknown_organizations = [
            UnknownOrganization(acronym, tuple(rows)) for acronym, rows in unknown.values()
        ]
        self.final_parent = {
            (r["plan"].pk, row.values["code"].lower()): r["parent_code"].lower()
            for row, r in planned
            if "parent_code" in r
        }
        self._load_children(planned)
        for row, resolved in planned:
            if self._check_parent(row, resolved):
                self._plan(row, resolved)

    # Everything the rows refer to, a few queries per kind whatever the number of rows.
    def _load(self) -> None:
        values = [r.values for r in self.rows]
        self.plans = {
            p.key: p for p in ActionPlan.objects.filter(key__in={v["plan"] for v in values})
        }
        self.areas = {
            (a.plan_id, a.code.upper()): a
            for a in Area.objects.filter(plan__in=self.plans.values())
        }
        codes = {v["code"].lower() for v in values} | {
            v.get("parent", "").lower() for v in values if v.get("parent")
        }
        self.items: dict[tuple[int, str], ActionPoint] = {}
        for batch in _batches(codes):
            for item in (
                ActionPoint.objects.annotate(code_lower=Lower("code"))
                .filter(plan__in=self.plans.values(), code_lower__in=batch)
                .select_related("area", "parent", "forum")
                .order_by("pk")
            ):
                # Codes are matched whatever their case, as the site's forms do; should
                # two codes differ only in case, the older item is the one matched.
                self.items.setdefault((item.plan_id, item.code_lower), item)
        _load_related(list(self.items.values()))
        self.orgs = _by_lower(
            Organization, "acronym", {a for v in values for a in v.get("leads", [])}
        )
        targets = {m["map"] for m in self.mapping.values() if "map" in m}
        self.orgs.update(_by_lower(Organization, "acronym", targets))
        self.forums = _by_lower(Forum, "acronym", {v["forum"] for v in values if v.get("forum")})
        self.people = _by_lower(
            Person, "email", {e for v in values for e in v.get("focal_emails", [])}
        )

    def _resolve(self, row: ParsedRow, unknown: dict[str, tuple[str, list[int]]]) -> dict | None:
        """Turn the row's texts into the site's objects; None if any is unknown."""
        v, ok = row.values, True
        plan = self.plans.get(v["plan"])
        if plan is None:
            self.error(
                row.row, "plan", _("there is no plan with the key “%(key)s”") % {"key": v["plan"]}
            )
            return None
        resolved: dict[str, Any] = {"plan": plan}
        if "title" in v:
            resolved["title"] = v["title"]
        if "area" in v:
            resolved["area"] = self.areas.get((plan.pk, v["area"].upper()))
            if resolved["area"] is None:
                codes = ", ".join(sorted(c for (p, c) in self.areas if p == plan.pk))
                self.error(
                    row.row, "area",
                    _("plan %(plan)s has no area “%(area)s” (it has %(codes)s)")
                    % {"plan": plan.key, "area": v["area"], "codes": codes or _("none")},
                )  # fmt: skip
                ok = False
        for key in ("description", "status", "due_date"):
            if key in v:
                resolved[key] = v[key]
        if "parent" in v:
            resolved["parent_code"] = v["parent"]
        if "leads" in v:
            resolved["lead_organizations"] = []
            for acronym in v["leads"]:
                org = self._organization(acronym)
                if org is None:
                    unknown.setdefault(acronym.lower(), (acronym, []))[1].append(row.row)
                    self.error(
                        row.row, "leads",
                        _("the site has no organisation “%(acronym)s”: create it or say "
                          "which one it is, below") % {"acronym": acronym},
                    )  # fmt: skip
                    ok = False
                resolved["lead_organizations"].append(org)
        if v.get("forum"):
            resolved["forum"] = self.forums.get(v["forum"].lower())
            if resolved["forum"] is None:
                self.error(
                    row.row, "forum",
                    _("there is no forum with the acronym “%(acronym)s”") % {"acronym": v["forum"]},
                )  # fmt: skip
                ok = False
        elif "forum" in v:
            resolved["forum"] = None
        if "focal_emails" in v:
            resolved["focal_points"] = []
            for email in v["focal_emails"]:
                person = self.people.get(email.lower())
                if person is None:
                    self.error(
                        row.row, "focal_emails",
                        _("nobody in the site has the e-mail “%(email)s”") % {"email": email},
                    )  # fmt: skip
                    ok = False
                resolved["focal_points"].append(person)
        return resolved if ok else None

    def _organization(self, acronym: str) -> Organization | str | None:
        """The organisation, or the acronym of one the coordinator asked to create."""
        found = self.orgs.get(acronym.lower())
        if found is not None:
            return found
        choice = self.mapping.get(acronym.lower(), {})
        if "map" in choice:
            return self.orgs.get(choice["map"].lower())
        if "create" in choice:
            created = {o["acronym"].lower(): o for o in self.preview.new_organizations}
            if acronym.lower() not in created:
                if Organization.objects.filter(name__iexact=choice["create"]["name"]).exists():
                    return None  # its name was taken meanwhile: the row stays in error
                created[acronym.lower()] = {"acronym": acronym, **choice["create"]}
                self.preview.new_organizations.append(created[acronym.lower()])
            return created[acronym.lower()]["acronym"]
        return None

    def _load_children(self, planned: list[tuple[ParsedRow, dict]]) -> None:
        """Sub-items in the site of the items that the file makes sub-items."""
        candidates = [
            self.items[(r["plan"].pk, row.values["code"].lower())]
            for row, r in planned
            if r.get("parent_code") and (r["plan"].pk, row.values["code"].lower()) in self.items
        ]
        self.children: dict[int, list[tuple[int, str]]] = {}
        for batch in _batches(candidates):
            for parent_id, plan_id, code in ActionPoint.objects.filter(
                parent__in=batch
            ).values_list("parent_id", "plan_id", "code"):
                self.children.setdefault(parent_id, []).append((plan_id, code.lower()))

    def _parent_of(self, plan_id: int, code: str) -> str:
        """The parent code an item will have after the import."""
        if (plan_id, code) in self.final_parent:
            return self.final_parent[(plan_id, code)]
        item = self.items.get((plan_id, code))
        return item.parent.code.lower() if item and item.parent else ""

    def _check_parent(self, row: ParsedRow, resolved: dict) -> bool:
        plan, code = resolved["plan"], row.values["code"].lower()
        parent = resolved.get("parent_code", "").lower()
        if not parent:
            return True
        problem = None
        if parent == code:
            problem = _("an item cannot be its own parent")
        elif (plan.pk, parent) not in self.items and (plan.pk, parent) not in self.final_parent:
            problem = _("there is no item %(code)s in plan %(plan)s") % {
                "code": resolved["parent_code"], "plan": plan.key,
            }  # fmt: skip
        elif self._parent_of(plan.pk, parent):
            problem = _("%(code)s is itself a sub-item; sub-items have no sub-items") % {
                "code": resolved["parent_code"]
            }
        else:
            item = self.items.get((plan.pk, code))
            children = [
                c
                for c in (self.children.get(item.pk, []) if item else [])
                if self._parent_of(*c) == code
            ] + [k for k, p in self.final_parent.items() if k[0] == plan.pk and p == code]
            if children:
                problem = _("%(code)s has sub-items; it cannot become one") % {
                    "code": row.values["code"]
                }
        if problem:
            self.error(row.row, "parent", problem)
        return problem is None

    def _plan(self, row: ParsedRow, resolved: dict) -> None:
        plan, code = resolved["plan"], row.values["code"]
        item = self.items.get((plan.pk, code.lower()))
        if item is None:
            missing = [k for k in NEW_ITEM_KEYS if k not in resolved]
            for key in missing:
                self.preview.errors.append(
                    RowError(
                        row.row,
                        str(COLUMNS_BY_KEY[key].header),
                        _("%(code)s is not in plan %(plan)s: to add it, the file needs this "
                          "column") % {"code": code, "plan": plan.key},
                    )
                )  # fmt: skip
            if missing:
                return
            values = {
                "area": resolved["area"],
                "code": code,
                "title": resolved["title"],
                "description": resolved.get("description", ""),
                "status": resolved.get("status") or Status.NOT_STARTED,
                "due_date": as_date(resolved.get("due_date")),
                "forum": resolved.get("forum"),
                "lead_organizations": resolved.get("lead_organizations", []),
                "focal_points": resolved.get("focal_points", []),
                "parent_code": resolved.get("parent_code", ""),
            }
            shown = {k: v for k, v in values.items() if k != "code"}  # the row says it
            changes = [c for c in describe(shown) if c.after]
            self.preview.creates.append(
                PlannedRow(row.row, plan, code, values["title"], changes, values)
            )
            return
        values, changes = differences(item, resolved)
        if not values:
            self.preview.unchanged += 1
            return
        self.preview.updates.append(
            PlannedUpdate(row.row, plan, item.code, item.title, changes, values, item=item)
        )


def _load_related(items: list[ActionPoint]) -> None:
    """Each item's leads and focal points, as ``prefetch_related`` would leave them (so that
    ``item.lead_organizations.all()`` reads no more), in two queries a batch; Django's own
    builds a queryset per item, a third of a 20,000-row preview."""
    readers: tuple[tuple[str, Any], ...] = (
        ("lead_organizations", Organization.objects.all()),
        ("focal_points", Person.objects.select_related("organization")),  # named with it
    )
    for name, objects in readers:
        relation = getattr(ActionPoint, name)
        source = relation.field.m2m_field_name()
        target = relation.field.m2m_reverse_field_name()
        for batch in _batches(items):
            pairs = list(
                relation.through.objects.filter(**{f"{source}_id__in": batch}).values_list(
                    f"{source}_id", f"{target}_id"
                )
            )
            found = objects.in_bulk({pk for _item, pk in pairs})
            lists: dict[int, list] = {item.pk: [] for item in batch}
            for item_id, pk in pairs:
                lists[item_id].append(found[pk])
            for item in batch:
                cached = objects.all()
                cached._result_cache, cached._prefetch_done = lists[item.pk], True
                item.__dict__.setdefault("_prefetched_objects_cache", {})[name] = cached


def _batches(values: Iterable) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _by_lower(model, field_name: str, values: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for batch in _batches({v.lower() for v in values}):
        for obj in model.objects.annotate(lowered=Lower(field_name)).filter(lowered__in=batch):
            found[obj.lowered] = obj
    return found
