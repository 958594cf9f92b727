"""A plan file as plain data: what ``reading.read_plan_file`` returns once it has checked
the file, each entry with its place in the file (``where``) for the importer's messages."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanEntry:
    where: str
    key: str
    title: str
    forum: str
    event: str | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    description: str
    # Where and when the file's action points were agreed; whether each description is
    # the source's own words, kept as "As agreed".
    agreed_at: str | None = None
    agreed_on: datetime.date | None = None
    descriptions_as_agreed: bool = False


@dataclass(frozen=True)
class OrganizationEntry:
    where: str
    acronym: str
    name: str
    kind: str


@dataclass(frozen=True)
class ForumEntry:
    where: str
    acronym: str
    name: str
    kind: str
    parent: str | None


@dataclass(frozen=True)
class PersonEntry:
    where: str
    first_name: str
    last_name: str
    organization: str
    role: str
    job_title: str  # "" when the file does not give one
    contact: bool | None = None  # the organisation's contact; None: as in the site


@dataclass(frozen=True)
class EventEntry:
    where: str
    key: str
    title: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    place: str
    description: str
    people: tuple[PersonEntry, ...]


@dataclass(frozen=True)
class AreaEntry:
    where: str
    code: str
    name: str
    order: int
    learning_outcomes: tuple[str, ...]


@dataclass(frozen=True)
class ActionPointEntry:
    where: str
    code: str
    area: str
    parent: str | None
    title: str
    description: str
    leads: tuple[str, ...]
    forum: str | None
    position: int  # order within its area, from 1
    forum_inferred: bool = False  # the source does not name the forum


@dataclass(frozen=True)
class ResourceEntry:
    """A link (or, without ``url``, a named source) of the plan or of one of its items."""

    where: str
    key: str
    label: str
    url: str
    description: str
    organizations: tuple[str, ...]
    action_point: str | None  # the item's code; None: the plan's


@dataclass(frozen=True)
class Reference:
    """A key the file uses but does not define: it must exist in the site."""

    where: str
    field: str
    kind: str  # "organisation", "forum" or "event"
    key: str


@dataclass(frozen=True)
class PlanFile:
    source: str
    plan: PlanEntry
    organizations: tuple[OrganizationEntry, ...]
    forums: tuple[ForumEntry, ...]
    events: tuple[EventEntry, ...]
    areas: tuple[AreaEntry, ...]
    action_points: tuple[ActionPointEntry, ...]
    resources: tuple[ResourceEntry, ...] = ()

    def outside_references(self) -> list[Reference]:
        """Acronyms and keys used here but defined neither here nor earlier in the file."""
        orgs = {o.acronym for o in self.organizations}
        forums = {f.acronym for f in self.forums}
        events = {e.key for e in self.events}
        refs = [Reference(self.plan.where, "forum", "forum", self.plan.forum)]
        for name, key in (("event", self.plan.event), ("agreed_at", self.plan.agreed_at)):
            if key:
                refs.append(Reference(self.plan.where, name, "event", key))
        refs += [Reference(f.where, "parent", "forum", f.parent) for f in self.forums if f.parent]
        for event in self.events:
            refs += [
                Reference(p.where, "organization", "organisation", p.organization)
                for p in event.people
            ]
        for item in self.action_points:
            refs += [Reference(item.where, "lead", "organisation", a) for a in item.leads]
            if item.forum:
                refs.append(Reference(item.where, "forum", "forum", item.forum))
        for link in self.resources:
            refs += [
                Reference(link.where, "organization", "organisation", a) for a in link.organizations
            ]
        defined = {"organisation": orgs, "forum": forums, "event": events}
        return [r for r in refs if r.key and r.key not in defined[r.kind]]
