"""Action plan files (TOML, format 1) read and checked into plain data.

``read_plan_file`` checks everything a file can tell on its own: syntax, keys, types,
values, duplicates and references within the file. It raises one ``PlanFileError`` that
lists every problem, each naming its place, e.g.
``action_points[22] (C-8.1, line 480): parent "C-9" is not defined``. Blocks are numbered
from 1 in the order they appear. References that may point at the site rather than the
file (organisation, forum and event keys) are listed by ``PlanFile.outside_references`` and
checked by ``plan_files.importing``. The format is described in ``actions/plans/README.md``.
"""

import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Field, Model

from actions.models import ActionPlan, ActionPoint, Area, Resource, web_url
from participants.models import Event, Forum, ForumKind, Organization, OrganizationKind, Person
from participants.models import ParticipationRole as Role

from .entries import (
    ActionPointEntry,
    AreaEntry,
    EventEntry,
    ForumEntry,
    OrganizationEntry,
    PersonEntry,
    PlanEntry,
    PlanFile,
    ResourceEntry,
)
from .tables import MISSING, Table, describe, header_lines, line_of, numbered_tables, tables_of

FORMAT = 1
# README: titles are short, so that lists and e-mails show them whole.
TITLE_MAX_LENGTH = 80
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# The 2017 plan is some 20 KB; a plan of a thousand items with long texts stays under this.
MAX_PLAN_FILE_BYTES = 2 * 1024 * 1024
AREA_CODE = re.compile(r"[A-Z]")


class PlanFileError(Exception):
    """A plan file that cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.source = source
        self.errors = list(errors)
        super().__init__(f"{source}: " + "; ".join(self.errors))


def read_plan_file(path: str | Path) -> PlanFile:
    """Read and check a plan file; raises ``PlanFileError`` listing every problem."""
    source = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_PLAN_FILE_BYTES:
            raise PlanFileError(
                source,
                [f"the file is {size:,} bytes; a plan file is at most {MAX_PLAN_FILE_BYTES:,}"],
            )
        with Path(path).open("rb") as file:
            raw = file.read(MAX_PLAN_FILE_BYTES + 1)  # it may have grown since
    except OSError as exc:
        raise PlanFileError(source, [f"cannot read the file: {exc.strerror}"]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanFileError(source, [f"not UTF-8 text (byte {exc.start + 1})"]) from exc
    return parse_plan(text, source=source)


def parse_plan(text: str, *, source: str = "<plan>") -> PlanFile:
    """Check the text of a plan file; raises ``PlanFileError`` listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line L, column C)".
        raise PlanFileError(source, [f"TOML syntax error: {exc}"]) from exc
    errors: list[str] = []
    parsed = _parse(data, text, errors)
    if errors or parsed is None:
        raise PlanFileError(source, errors)
    return PlanFile(source, *parsed)


def _parse(data: dict, text: str, errors: list[str]) -> tuple | None:
    top = Table(errors, "top level", data)
    version = top.get("format")
    if version is MISSING:
        errors.append(f"format: missing; the file must start with format = {FORMAT}")
    elif version != FORMAT:
        errors.append(f"format: {version!r} is not supported; this site reads format {FORMAT}")
        return None
    plan = _plan(errors, top, text)
    organizations = [_organization(b) for b in numbered_tables(top, "organizations", text)]
    forums = [_forum(b) for b in numbered_tables(top, "forums", text)]
    events = _events(top, text)
    areas = [
        _area(b, order) for order, b in enumerate(numbered_tables(top, "areas", text), start=1)
    ]
    items = [_action_point(b) for b in numbered_tables(top, "action_points", text)]
    resources = [_resource(b) for b in numbered_tables(top, "resources", text)]
    top.finish()
    if plan is None:
        return None

    _unique(errors, organizations, "acronym", "acronym")
    _unique(errors, organizations, "name", "name")
    _unique(errors, forums, "acronym", "acronym")
    _unique(errors, forums, "name", "name")
    _unique(errors, events, "key", "key")
    for event in events:
        _unique(errors, event.people, "person", _person_key)
    _unique(errors, areas, "code", "code")
    _unique(errors, items, "code", "code")
    _check_forum_parents(errors, forums)
    items = _check_action_points(errors, areas, items)
    _unique(errors, resources, "key", "key")
    codes = {i.code for i in items}
    errors += [
        f'{r.where}: action_point "{r.action_point}" is not defined in [[action_points]]'
        for r in resources
        if r.action_point and r.action_point not in codes
    ]
    groups = (organizations, forums, events, areas, items, resources)
    return plan, *(tuple(group) for group in groups)


def _person_key(person: "PersonEntry") -> tuple[str, str, str]:
    return person.first_name, person.last_name, person.organization


def _plan(errors: list[str], top: Table, text: str) -> PlanEntry | None:
    data = top.get("plan")
    if data is MISSING:
        errors.append("plan: missing; the file needs one [plan] table")
        return None
    if not isinstance(data, dict):
        errors.append(f"plan: expected a [plan] table, got {describe(data)}")
        return None
    lines = header_lines(text, "plan", double=False)
    b = Table(errors, "plan", data, line=line_of(lines, 1, 1))
    entry = PlanEntry(
        b.where,
        key=b.text("key", max_length=_max(ActionPlan, "key"), pattern=SLUG),
        title=b.text("title", max_length=_max(ActionPlan, "title")),
        forum=b.text("forum"),
        event=b.text("event", required=False) or None,
        period_start=b.date("period_start", required=False),
        period_end=b.date("period_end", required=False),
        description=b.text(
            "description", required=False, max_length=_max(ActionPlan, "description")
        ),
        agreed_at=b.text("agreed_at", required=False) or None,
        agreed_on=b.date("agreed_on", required=False),
        descriptions_as_agreed=b.flag("descriptions_as_agreed"),
    )
    if entry.period_start and entry.period_end and entry.period_end < entry.period_start:
        b.error("period_end is before period_start")
    b.finish()
    return entry


def _organization(b: Table) -> OrganizationEntry:
    entry = OrganizationEntry(
        b.where,
        acronym=b.text("acronym", max_length=_max(Organization, "acronym")),
        name=b.text("name", max_length=_max(Organization, "name")),
        kind=b.choice("kind", OrganizationKind),
    )
    b.finish()
    return entry


def _forum(b: Table) -> ForumEntry:
    entry = ForumEntry(
        b.where,
        acronym=b.text("acronym", max_length=_max(Forum, "acronym")),
        name=b.text("name", max_length=_max(Forum, "name")),
        kind=b.choice("kind", ForumKind),
        parent=b.text("parent", required=False) or None,
    )
    b.finish()
    return entry


def _events(top: Table, text: str) -> list[EventEntry]:
    blocks = numbered_tables(top, "events", text)
    people_tables = [tables_of(b, "people", "events.people") for b in blocks]
    lines = header_lines(text, r"events\s*\.\s*people")
    total, number = sum(len(t) for t in people_tables), 0
    events = []
    for block, tables in zip(blocks, people_tables, strict=True):
        people = []
        for n, data in enumerate(tables, start=1):
            number += 1
            where = f"{block.name}.people[{n}]"
            people.append(
                _person(Table(top.errors, where, data, line=line_of(lines, number, total)))
            )
        events.append(_event(block, tuple(people)))
    return events


def _event(b: Table, people: tuple[PersonEntry, ...]) -> EventEntry:
    entry = EventEntry(
        b.where,
        key=b.text("key", max_length=_max(Event, "key"), pattern=SLUG),
        title=b.text("title", max_length=_max(Event, "title")),
        start_date=b.date("start_date"),
        end_date=b.date("end_date"),
        place=b.text("place", required=False, max_length=_max(Event, "place")),
        description=b.text("description", required=False, max_length=_max(Event, "description")),
        people=people,
    )
    if entry.start_date and entry.end_date and entry.end_date < entry.start_date:
        b.error("end_date is before start_date")
    b.finish()
    return entry


def _person(b: Table) -> PersonEntry:
    entry = PersonEntry(
        b.where,
        first_name=b.text("first_name", max_length=_max(Person, "first_name")),
        last_name=b.text("last_name", max_length=_max(Person, "last_name")),
        organization=b.text("organization"),
        role=b.choice("role", Role),
        job_title=b.text("job_title", required=False, max_length=_max(Person, "job_title")),
        contact=b.optional_flag("contact"),
    )
    b.finish()
    return entry


def _area(b: Table, order: int) -> AreaEntry:
    entry = AreaEntry(
        b.where,
        code=b.text("code", pattern=AREA_CODE, hint="one capital letter"),
        name=b.text("name", max_length=_max(Area, "name")),
        order=order,
        learning_outcomes=b.text_list("learning_outcomes"),
    )
    b.finish()
    return entry


def _action_point(b: Table) -> ActionPointEntry:
    entry = ActionPointEntry(
        b.where,
        code=b.text("code", max_length=_max(ActionPoint, "code")),
        area=b.text("area"),
        parent=b.text("parent", required=False) or None,
        title=b.text("title", max_length=TITLE_MAX_LENGTH),
        description=b.text("description", max_length=_max(ActionPoint, "description")),
        leads=b.text_list("leads"),
        forum=b.text("forum", required=False) or None,
        position=0,
        forum_inferred=b.flag("forum_inferred"),
    )
    if entry.forum_inferred and not entry.forum:
        b.error("forum_inferred: there is no forum")
    if len(set(entry.leads)) < len(entry.leads):
        b.error("leads: an organisation is listed twice")
    b.finish()
    return entry


def _resource(b: Table) -> ResourceEntry:
    entry = ResourceEntry(
        b.where,
        key=b.text("key", max_length=_max(Resource, "key"), pattern=SLUG),
        label=b.text("label", max_length=_max(Resource, "label")),
        url=b.text("url", required=False, max_length=_max(Resource, "url")),
        description=b.text("description", required=False),
        organizations=b.text_list("organizations"),
        action_point=b.text("action_point", required=False) or None,
    )
    if entry.url:
        try:
            web_url(entry.url)
        except ValidationError:
            b.error(f'url: "{entry.url}" is not an http:// or https:// link')
    b.finish()
    return entry


def _check_forum_parents(errors: list[str], forums: list[ForumEntry]) -> None:
    parents = {f.acronym: f.parent for f in forums if f.acronym}
    for forum in forums:
        seen, current = {forum.acronym}, forum.parent
        while current in parents:
            if current in seen:
                errors.append(f'{forum.where}: parent "{forum.parent}" makes a loop of forums')
                break
            seen.add(current)
            current = parents[current]


def _check_action_points(
    errors: list[str], areas: list[AreaEntry], items: list[ActionPointEntry]
) -> list[ActionPointEntry]:
    """Check areas, parents and codes; number the items within their area."""
    area_codes = {a.code for a in areas}
    all_codes = {i.code for i in items}
    earlier: dict[str, ActionPointEntry] = {}
    positions: dict[str, int] = {}
    numbered = []
    for item in items:
        problem = _item_problem(item, area_codes, all_codes, earlier)
        if problem:
            errors.append(f"{item.where}: {problem}")
        earlier.setdefault(item.code, item)
        positions[item.area] = positions.get(item.area, 0) + 1
        numbered.append(replace(item, position=positions[item.area]))
    return numbered


def _item_problem(
    item: ActionPointEntry,
    area_codes: set[str],
    all_codes: set[str],
    earlier: dict[str, ActionPointEntry],
) -> str | None:
    if item.area and item.area not in area_codes:
        return f'area "{item.area}" is not defined in [[areas]]'
    if not item.parent:
        if item.code and item.area and not re.fullmatch(re.escape(item.area) + r"-\d+", item.code):
            return f'code "{item.code}" should be its area letter, a dash and a number'
        return None
    parent = earlier.get(item.parent)
    if item.parent == item.code:
        return "an action point cannot be its own parent"
    if parent is None and item.parent in all_codes:
        return f'parent "{item.parent}" must come before its sub-items'
    if parent is None:
        return f'parent "{item.parent}" is not defined'
    if parent.parent:
        return f'parent "{parent.code}" is itself a sub-item; sub-items have no sub-items'
    if parent.area != item.area:
        return f'parent "{parent.code}" is in area {parent.area}, not {item.area}'
    if item.code and not re.fullmatch(re.escape(parent.code) + r"\.\d+", item.code):
        return f'code "{item.code}" should be its parent\'s code, a dot and a number'
    return None


def _unique(errors: list[str], entries, label: str, key) -> None:
    first: dict[Any, Any] = {}
    get = key if callable(key) else (lambda e: getattr(e, key))
    for entry in entries:
        value = get(entry)
        if not value or (isinstance(value, tuple) and not all(value)):
            continue
        if value in first:
            shown = " ".join(value) if isinstance(value, tuple) else value
            where = first[value].where.split(" (")[0]
            errors.append(f'{entry.where}: {label} "{shown}" is already used by {where}')
        else:
            first[value] = entry


def _max(model: type[Model], field: str) -> int | None:
    return cast(Field, model._meta.get_field(field)).max_length
