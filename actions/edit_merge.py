"""Field-level merge of the edit form: apply only the fields the editor changed, over a
colleague's newer version, and stop for the editor's choice where both changed the same
field. Every write goes through ``services.change_action_point``."""

from collections.abc import Collection, Mapping
from typing import Any

from .models import ActionPoint, ActionUpdate
from .services import (
    EDITABLE_FIELDS,
    M2M_FIELDS,
    StaleVersion,
    User,
    _as_text,
    _m2m_text,
    change_action_point,
)


def field_texts(values: ActionPoint | Mapping[str, Any]) -> dict[str, str]:
    """Each editable field as text, as the journal writes it: an item's fields (leads and
    focal points loaded), or a form's cleaned values. What an editor read, what they wrote
    and what the item holds now are compared in these terms."""

    def value(name: str) -> Any:
        if isinstance(values, ActionPoint):
            found = getattr(values, name)
            return list(found.all()) if name in M2M_FIELDS else found
        return values.get(name)

    return {
        name: _m2m_text(value(name) or []) if name in M2M_FIELDS else _as_text(value(name))
        for name in EDITABLE_FIELDS
    }


class EditConflict(Exception):
    """A colleague changed, since the editor read the item, a field the editor changed too,
    to another value. Nothing was written; ``fields`` maps each such field to (theirs,
    yours), as text, for the editor to choose."""

    def __init__(self, current: ActionPoint, fields: dict[str, tuple[str, str]]) -> None:
        super().__init__(f"{current.code}: {', '.join(fields)} changed meanwhile")
        self.current = current
        self.fields = fields


def change_what_the_editor_changed(
    *,
    action_point: int,
    by: User,
    read: Mapping[str, str],
    values: Mapping[str, Any],
    expected_version: int,
    note: str = "",
    keep_theirs: Collection[str] = (),
    take_mine: Collection[str] = (),
    pii_confirmed: bool = False,
) -> ActionUpdate:
    """Apply the fields whose value differs from what the editor read (``read``, from
    ``field_texts`` when the form was shown), never the ones they left alone.

    If the item moved on since ``expected_version``, the editor's fields are applied over
    the newer version, so that a colleague's change to another field stays. A field that both
    changed, to different values, raises ``EditConflict`` (nothing written) until the editor
    names it in ``keep_theirs`` or ``take_mine``. Other errors as ``change_action_point``.
    """
    yours = field_texts(values)
    mine = {
        name: values[name]
        for name in EDITABLE_FIELDS
        if name in values and yours[name] != read.get(name) and name not in keep_theirs
    }
    common: dict[str, Any] = {
        "action_point": action_point,
        "by": by,
        "note": note,
        "pii_confirmed": pii_confirmed,
    }
    try:
        return change_action_point(expected_version=expected_version, **common, **mine)
    except StaleVersion:
        current = (
            ActionPoint.objects.select_related("plan", "area", "forum", "parent")
            .prefetch_related("lead_organizations", "focal_points")
            .get(pk=action_point)
        )
    now = field_texts(current)
    conflicts = {
        name: (now[name], yours[name])
        for name in mine
        if now[name] != read.get(name) and now[name] != yours[name] and name not in take_mine
    }
    if conflicts:
        raise EditConflict(current, conflicts)
    return change_action_point(expected_version=current.version, **common, **mine)
