"""What an import row would change on an item, and the same in words for the preview.

``differences`` compares the values a row asks for with the item as the site has it (objects
by id, leads and focal points as sets, text with its line ends as stored) and returns the
service arguments that would change it; ``describe`` words every field as the preview lists
it, e.g. ``Change("Status", "In progress", "Done")``.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from actions.models import ActionPoint, Status
from participants.models import Forum, Organization

from .columns import COLUMNS_BY_KEY


@dataclass(frozen=True)
class Change:
    field: str  # the field's label
    before: str
    after: str


def differences(item: ActionPoint, resolved: dict) -> tuple[dict, list[Change]]:
    """The service arguments that would change the item, and the same in words."""
    wanted: dict[str, Any] = {}
    for name in ("area", "title", "description"):
        if name in resolved:
            wanted[name] = resolved[name]
    if resolved.get("status"):
        wanted["status"] = resolved["status"]
    if "due_date" in resolved:
        wanted["due_date"] = as_date(resolved["due_date"])
    if "forum" in resolved:
        wanted["forum"] = resolved["forum"]
    if "parent_code" in resolved:
        wanted["parent_code"] = resolved["parent_code"]
    if "lead_organizations" in resolved:
        wanted["lead_organizations"] = resolved["lead_organizations"]
    if "focal_points" in resolved:
        # People without an e-mail cannot be named in the file: they stay.
        kept = [p for p in item.focal_points.all() if not p.email]
        wanted["focal_points"] = kept + resolved["focal_points"]

    current = _current(item)
    values = {k: v for k, v in wanted.items() if _key(k, v) != _key(k, current[k])}
    # Only the fields that change are put in words: a preview of 20,000 rows spent most of
    # its time wording the others.
    old = describe({k: current[k] for k in values})
    changes = [
        Change(c.field, b.after, c.after)
        for c, b in zip(describe(values), old, strict=True)
        if c.after != b.after
    ]
    return values, changes


def _current(item: ActionPoint) -> dict[str, Any]:
    return {
        "area": item.area,
        "code": item.code,
        "title": item.title,
        "description": item.description,
        "status": item.status,
        "due_date": item.due_date,
        "forum": item.forum,
        "lead_organizations": list(item.lead_organizations.all()),
        "focal_points": list(item.focal_points.all()),
        "parent_code": item.parent.code if item.parent else "",
    }


def _key(name: str, value: Any) -> Any:
    """A value as two of them are compared: objects by id, sets unordered, text as stored."""
    if name in ("lead_organizations", "focal_points"):
        return frozenset(v if isinstance(v, str) else v.pk for v in value)
    if name in ("title", "description"):
        return value.replace("\r\n", "\n").strip()
    if name == "parent_code":
        return value.lower()
    return value.pk if hasattr(value, "pk") else value


# The fields a preview describes, in the order of the spreadsheet's columns.
FIELDS = (
    "area",
    "code",
    "parent_code",
    "title",
    "description",
    "status",
    "due_date",
    "lead_organizations",
    "forum",
    "focal_points",
)


def describe(values: dict[str, Any]) -> list[Change]:
    """Each field in words, as the preview lists it."""
    result = []
    for name in FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in ("lead_organizations", "focal_points"):
            text = ", ".join(sorted(_name(v) for v in value))
        elif name == "status":
            text = str(Status(value).label)
        elif name == "area":
            text = value.code
        elif isinstance(value, Forum):
            text = value.acronym
        elif isinstance(value, datetime.date):
            text = value.isoformat()
        else:
            text = "" if value is None else str(value)
        result.append(Change(str(COLUMNS_BY_KEY[_column_of(name)].header), "", text))
    return result


def _column_of(name: str) -> str:
    return {
        "lead_organizations": "leads",
        "focal_points": "focal_emails",
        "parent_code": "parent",
    }.get(name, name)


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Organization):
        return value.acronym
    return value.email or value.full_name


def as_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None
