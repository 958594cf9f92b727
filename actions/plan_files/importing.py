"""Importing a plan file into the site.

``import_plan`` guarantees:

- All or nothing: the whole import is one transaction, and a file with any problem
  (``PlanFileError``, listing every problem with its place) changes nothing.
- Entries are matched by their identifier (plan key; organisation and forum acronym; event
  key; a person's first name, last name and organisation; area and action point code within
  the plan), so importing again updates and never duplicates. A second run of the same file
  changes nothing and writes no journal row.
- Action points are created with ``services.create_action_point`` and changed only through
  ``services.change_action_point``: every change is journaled and bumps ``version``.
- What the file does not hold is left as it is: status, due dates, focal points and the
  journal of action points; people's e-mails, accounts and (when the file gives none) job
  titles. Nothing is deleted when an entry leaves the file, except learning outcomes: an
  area's list is replaced by the file's.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model

from actions import services
from actions.models import ActionPlan, ActionPoint, Area, LearningOutcome
from participants.models import Event, Forum, Organization, Participation, Person

from .entries import ActionPointEntry, PlanFile
from .reading import PlanFileError, read_plan_file
from .resources import import_resources

# Kinds of entries, in the order a summary lists them, with the words it uses.
KINDS = {
    "organizations": "organisations",
    "forums": "forums",
    "events": "events",
    "people": "people",
    "participations": "participations",
    "plans": "plans",
    "areas": "areas",
    "action_points": "action points",
    "resources": "resources",
}
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class ImportResult:
    source: str
    plan: ActionPlan = field(init=False)  # set when the import has run
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())

    def summary(self) -> list[str]:
        """One line per kind of entry, e.g. ``action points  35 created, 0 updated, ...``."""
        width = max(len(label) for label in KINDS.values())
        return [
            f"{label.ljust(width)}  {c.created} created, {c.updated} updated, "
            f"{c.unchanged} unchanged"
            for kind, label in KINDS.items()
            for c in [self.counts[kind]]
        ]


_M = TypeVar("_M", bound=Model)


def import_plan(plan_file: PlanFile | str | Path, *, by: services.User = None) -> ImportResult:
    """Create or update everything a plan file holds, in one transaction.

    ``plan_file`` is a checked ``PlanFile`` or the path of one; ``by`` is the user the
    journal names as author (none for a command-line import). Raises ``PlanFileError``,
    with nothing changed, when the file has a problem or refers to something that exists
    neither in the file nor in the site. See the module docstring for what is guaranteed.
    """
    if not isinstance(plan_file, PlanFile):
        plan_file = read_plan_file(plan_file)
    with transaction.atomic():
        return _Importer(plan_file, by).run()


class _Importer:
    def __init__(self, plan_file: PlanFile, by: services.User) -> None:
        self.file = plan_file
        self.by = by
        self.result = ImportResult(source=plan_file.source)
        name = Path(plan_file.source).name
        self.created_note = f"Imported from {name}."
        self.updated_note = f"Updated from {name}."

    def run(self) -> ImportResult:
        self._check_against_site()
        orgs = self._organizations()
        forums = self._forums()
        events = self._events(orgs)
        plan = self._plan(forums, events)
        areas = self._areas(plan)
        self._action_points(plan, areas, orgs, forums)
        for outcome in import_resources(plan, self.file.resources, orgs):
            self.result.counts["resources"].add(outcome)
        self.result.plan = plan
        return self.result

    def _fail(self, errors: list[str]) -> NoReturn:
        raise PlanFileError(self.file.source, errors)

    def _check_against_site(self) -> None:
        """Refuse references to nothing, and names that another acronym holds in the site."""
        refs = self.file.outside_references()
        known = {
            "organisation": _existing(Organization, "acronym", refs, "organisation"),
            "forum": _existing(Forum, "acronym", refs, "forum"),
            "event": _existing(Event, "key", refs, "event"),
        }
        errors = [
            f'{r.where}: {r.field} "{r.key}" is not defined in this file or in the site'
            for r in refs
            if r.key not in known[r.kind]
        ]
        for model, entries, label in (
            (Organization, self.file.organizations, "organisation"),
            (Forum, self.file.forums, "forum"),
        ):
            holders = dict(
                model.objects.filter(name__in=[e.name for e in entries]).values_list(
                    "name", "acronym"
                )
            )
            errors += [
                f'{e.where}: name "{e.name}" belongs to the {label} {holders[e.name]} in the site'
                for e in entries
                if holders.get(e.name, e.acronym) != e.acronym
            ]
        if errors:
            self._fail(errors)

    def _save(self, kind: str, obj: _M | None, model: type[_M], values: dict) -> _M:
        """Create ``obj`` or set ``values`` on it; count the outcome under ``kind``."""
        outcome, obj = _apply(obj, model, values)
        self.result.counts[kind].add(outcome)
        return obj

    def _organizations(self) -> dict[str, Organization]:
        entries = self.file.organizations
        wanted = {e.acronym for e in entries} | {
            r.key for r in self.file.outside_references() if r.kind == "organisation"
        }
        orgs = Organization.objects.in_bulk(wanted, field_name="acronym")
        for e in entries:
            values = {"acronym": e.acronym, "name": e.name, "kind": e.kind}
            orgs[e.acronym] = self._save("organizations", orgs.get(e.acronym), Organization, values)
        return orgs

    def _forums(self) -> dict[str, Forum]:
        entries = self.file.forums
        wanted = {e.acronym for e in entries} | {
            r.key for r in self.file.outside_references() if r.kind == "forum"
        }
        forums = Forum.objects.in_bulk(wanted, field_name="acronym")
        outcomes = {}
        # Two passes: a forum's parent may come later in the file.
        for e in entries:
            values = {"acronym": e.acronym, "name": e.name, "kind": e.kind}
            outcomes[e.acronym], forums[e.acronym] = _apply(forums.get(e.acronym), Forum, values)
        for e in entries:
            parent_outcome, _ = _apply(
                forums[e.acronym], Forum, {"parent": forums[e.parent] if e.parent else None}
            )
            if parent_outcome == UPDATED and outcomes[e.acronym] == UNCHANGED:
                outcomes[e.acronym] = UPDATED
            self.result.counts["forums"].add(outcomes[e.acronym])
        return forums

    def _events(self, orgs: dict[str, Organization]) -> dict[str, Event]:
        keys = {e.key for e in self.file.events} | {
            r.key for r in self.file.outside_references() if r.kind == "event"
        }
        events = Event.objects.in_bulk(keys, field_name="key")
        entries = [p for e in self.file.events for p in e.people]
        people: dict[tuple, Person] = {}
        # Several people may share a name in one organisation; the earliest record is the
        # one imports have always matched, so it keeps being the one.
        for person in Person.objects.filter(
            organization__in=[orgs[p.organization] for p in entries]
        ).order_by("-pk"):
            people[(person.first_name, person.last_name, person.organization_id)] = person
        seen: set[tuple] = set()
        for e in self.file.events:
            values: dict[str, Any] = {
                "key": e.key,
                "title": e.title,
                "start_date": e.start_date,
                "end_date": e.end_date,
                "place": e.place,
                "description": e.description,
            }
            event = events[e.key] = self._save("events", events.get(e.key), Event, values)
            present = {p.person_id: p for p in event.participations.all()}
            for p in e.people:
                key = (p.first_name, p.last_name, orgs[p.organization].pk)
                person = people.get(key)
                # Never blank out a job title kept in the site: the file gives one only
                # when the report names it.
                values = {"first_name": p.first_name, "last_name": p.last_name}
                values["organization"] = orgs[p.organization]
                if p.job_title or person is None:
                    values["job_title"] = p.job_title
                if person is None:  # known from the event only: not current staff yet
                    values["is_confirmed"] = False
                if p.contact is not None:
                    values["is_contact"] = p.contact
                outcome, person = _apply(person, Person, values)
                if key not in seen:
                    self.result.counts["people"].add(outcome)
                seen.add(key)
                people[key] = person
                self._save(
                    "participations",
                    present.get(person.pk),
                    Participation,
                    {"person": person, "event": event, "role": p.role},
                )
        return events

    def _plan(self, forums: dict[str, Forum], events: dict[str, Event]) -> ActionPlan:
        e = self.file.plan
        values = {
            "key": e.key,
            "title": e.title,
            "forum": forums[e.forum],
            "source_event": events[e.event] if e.event else None,
            "period_start": e.period_start,
            "period_end": e.period_end,
            "description": e.description,
        }
        return self._save("plans", ActionPlan.objects.filter(key=e.key).first(), ActionPlan, values)

    def _areas(self, plan: ActionPlan) -> dict[str, Area]:
        present = {a.code: a for a in plan.areas.prefetch_related("learning_outcomes")}
        areas = {}
        for e in self.file.areas:
            area = present.get(e.code)
            values = {"plan": plan, "code": e.code, "name": e.name, "order": e.order}
            outcome, area = _apply(area, Area, values)
            texts = [lo.text for lo in area.learning_outcomes.all()] if outcome != CREATED else []
            if texts != list(e.learning_outcomes):
                area.learning_outcomes.all().delete()
                LearningOutcome.objects.bulk_create(
                    LearningOutcome(area=area, order=n, text=text)
                    for n, text in enumerate(e.learning_outcomes, start=1)
                )
                outcome = UPDATED if outcome == UNCHANGED else outcome
            self.result.counts["areas"].add(outcome)
            areas[e.code] = area
        return areas

    def _action_points(
        self,
        plan: ActionPlan,
        areas: dict[str, Area],
        orgs: dict[str, Organization],
        forums: dict[str, Forum],
    ) -> None:
        present = {i.code: i for i in plan.action_points.prefetch_related("lead_organizations")}
        items: dict[str, ActionPoint] = {}
        agreed = self._where_agreed()
        for e in self.file.action_points:
            wanted: dict[str, Any] = {
                "area": areas[e.area],
                "parent": items[e.parent] if e.parent else None,
                "position": e.position,
                "title": e.title,
                "description": e.description,
                "forum": forums[e.forum] if e.forum else None,
                "forum_inferred": e.forum_inferred,
                **agreed,
            }
            if self.file.plan.descriptions_as_agreed:
                wanted["agreed_text"] = e.description
            leads = [orgs[acronym] for acronym in e.leads]
            item = present.get(e.code)
            try:
                if item is None:
                    item = services.create_action_point(
                        by=self.by,
                        plan=plan,
                        code=e.code,
                        lead_organizations=leads,
                        note=self.created_note,
                        **wanted,
                    )
                    outcome = CREATED
                else:
                    outcome = self._update_action_point(e, item, wanted, leads)
            except ValidationError as exc:
                self._fail([f"{e.where}: {message}" for message in exc.messages])
            self.result.counts["action_points"].add(outcome)
            items[e.code] = item

    def _where_agreed(self) -> dict[str, Any]:
        """The plan's ``agreed_at`` and ``agreed_on`` for each item; a file without them
        leaves what the site records."""
        plan = self.file.plan
        agreed: dict[str, Any] = {}
        if plan.agreed_at:
            agreed["agreed_event"] = Event.objects.get(key=plan.agreed_at)
        if plan.agreed_on:
            agreed["agreed_on"] = plan.agreed_on
        return agreed

    def _update_action_point(
        self, e: ActionPointEntry, item: ActionPoint, wanted: dict, leads: list[Organization]
    ) -> str:
        changes = {
            name: value
            for name, value in wanted.items()
            if _differs(getattr(item, _attname(item, name)), value)
        }
        if {o.pk for o in item.lead_organizations.all()} != {o.pk for o in leads}:
            changes["lead_organizations"] = leads
        if not changes:
            return UNCHANGED
        if changes.get("parent") and item.sub_items.exists():
            self._fail([f"{e.where}: {e.code} has sub-items in the site; it cannot become one"])
        services.change_action_point(
            action_point=item,
            by=self.by,
            expected_version=item.version,
            note=self.updated_note,
            **changes,
        )
        return UPDATED


def _attname(model: Model | type[Model], name: str) -> str:
    return cast(Field, model._meta.get_field(name)).attname  # a column, never a relation's far side


def _existing(model: type[Model], field_name: str, refs: list, kind: str) -> set[str]:
    keys = {r.key for r in refs if r.kind == kind}
    return set(
        model._default_manager.filter(**{f"{field_name}__in": keys}).values_list(
            field_name, flat=True
        )
    )


def _differs(current: object, value: object) -> bool:
    """Compare a stored value (foreign keys by id) with a wanted one (objects or values)."""
    return current != (value.pk if isinstance(value, Model) else value)


def _apply(obj: _M | None, model: type[_M], values: dict) -> tuple[str, _M]:
    """Create the object, or save only the fields that differ; say which happened."""
    if obj is None:
        return CREATED, model._default_manager.create(**values)
    changed = []
    for name, value in values.items():
        attname = _attname(model, name)
        if _differs(getattr(obj, attname), value):
            setattr(obj, name, value)
            changed.append(name)
    if not changed:
        return UNCHANGED, obj
    obj.save(update_fields=changed)
    return UPDATED, obj
