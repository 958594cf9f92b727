"""Every write to an action point goes through this module.

What it guarantees: ``create_action_point`` and ``change_action_point`` each run in one
transaction that also writes the journal row (``ActionUpdate``) and bumps ``version``; a
change made with ``expected_version`` is refused (``StaleVersion``) when the item moved on
since the caller read it; on any error nothing is written. The pages, the bulk change, the
admin, the spreadsheet and plan-file imports and the demo data all write through here.

The one deliberate exception is the synthetic data generator (``actions.synthetic``), which
bulk-inserts tens of thousands of rows and their journal for benchmarks; it never touches
rows it did not create.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Forum, Organization, Person

from . import personal_data
from .models import REPORT_ORDER, ActionPlan, ActionPoint, ActionUpdate, Area, Meeting, Status
from .notices import outbox as notices
from .provenance import PROVENANCE_FIELDS
from .selectors import display_name

User = AuthUser | AnonymousUser | None

# Fields a change may set directly; the two many-to-many fields are handled apart.
SCALAR_FIELDS = (
    "code",
    "position",
    "title",
    "description",
    "status",
    "due_date",
    "area",
    "parent",
    "forum",
)
M2M_FIELDS = ("lead_organizations", "focal_points")
# What a person may edit on an action point: the form, the admin and the imports use this.
EDITABLE_FIELDS = (*SCALAR_FIELDS, *M2M_FIELDS)


class StaleVersion(Exception):
    """Someone else saved the item after the caller read it; nothing was written."""

    def __init__(self, current: ActionPoint) -> None:
        super().__init__(f"{current.code} is at version {current.version}")
        self.current = current


class NothingToChange(Exception):
    """The change would leave the item as it is and carries no note."""


def _author(user: User) -> AuthUser | None:
    return user if user is not None and user.is_authenticated else None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _m2m_text(objects: Iterable[Model]) -> str:
    return ", ".join(sorted(str(o) for o in objects))


def create_action_point(
    *,
    by: User,
    plan: ActionPlan,
    area: Area,
    code: str,
    title: str,
    description: str = "",
    status: str = Status.NOT_STARTED,
    due_date: datetime.date | None = None,
    parent: ActionPoint | None = None,
    forum=None,
    position: int = 0,
    lead_organizations: Iterable[Organization] = (),
    focal_points: Iterable[Person] = (),
    note: str = "",
    meeting: Meeting | None = None,
    pii_confirmed: bool = False,
    **provenance: Any,
) -> ActionPoint:
    """Create an action point and its first journal entry, atomically.

    Raises ``ValidationError`` (nothing written) when the item breaks a rule of the plan:
    a code already used, an area or parent from another plan, an unknown status, or text
    that looks like personal data without ``pii_confirmed`` (``PersonalDataFound``).
    ``provenance`` takes ``PROVENANCE_FIELDS``; an item created at ``meeting`` was agreed
    there, and its first journal row is the meeting's decision.
    """
    unknown = set(provenance) - set(PROVENANCE_FIELDS)
    if unknown:
        raise TypeError(f"create_action_point() cannot set {', '.join(sorted(unknown))}")
    if meeting is not None:
        provenance = {"agreed_meeting": meeting, "agreed_on": meeting.date, **provenance}
    flagged = personal_data.check(
        {"title": title, "description": description, "note": note}, confirmed=pii_confirmed
    )
    now = timezone.now()
    item = ActionPoint(
        plan=plan,
        area=area,
        parent=parent,
        code=code,
        position=position,
        title=title,
        description=description,
        status=status,
        due_date=due_date,
        forum=forum,
        created_at=now,
        updated_at=now,
        completed_at=now if status == Status.DONE else None,
        **provenance,
    )
    item.full_clean()
    with transaction.atomic():
        item.save(force_insert=True)
        leads, focal = list(lead_organizations), list(focal_points)
        item.lead_organizations.set(leads)
        item.focal_points.set(focal)
        entry = ActionUpdate.objects.create(
            action_point=item,
            author=_author(by),
            author_name=display_name(_author(by)),
            created_at=now,
            kind=ActionUpdate.Kind.CREATED,
            status_after=status,
            note=note,
            version=item.version,
            meeting=meeting,
            pii_confirmed=flagged,
        )
        if meeting is not None:
            meeting.items.add(item)
        if leads or focal:  # instant notices: the new item is someone's
            owners = notices.owners(
                organizations=[o.pk for o in leads], focal_points=[p.pk for p in focal]
            )
            notices.after_change(entry, by=_author(by), owners_before=set(), owners_after=owners)
    return item


def change_action_point(
    *,
    action_point: ActionPoint | int,
    by: User,
    expected_version: int | None = None,
    note: str = "",
    meeting: Meeting | None = None,
    pii_confirmed: bool = False,
    is_sample: bool = False,
    via: str = "",
    author_name: str = "",
    **changes: Any,
) -> ActionUpdate:
    """Apply ``changes`` to an action point and journal them, in one transaction.

    ``changes`` takes any of ``SCALAR_FIELDS``, ``PROVENANCE_FIELDS`` and ``M2M_FIELDS``;
    with ``meeting`` the journal row is that meeting's decision. With
    ``expected_version`` the write is refused with ``StaleVersion`` when the item moved on
    since the caller read it. Raises ``NothingToChange`` when nothing would change and there
    is no note, ``ValidationError`` for a change that breaks a rule. On any error, nothing
    is written. Returns the journal entry.

    Text that looks like personal data raises ``PersonalDataFound`` unless
    ``pii_confirmed``, which the row then records. ``is_sample``: ``load_demo``'s rows.
    ``via`` marks an entry made elsewhere than on the site's pages (``UpdateVia``);
    ``author_name`` names the writer when ``by`` is no account.
    """
    unknown = set(changes) - set(SCALAR_FIELDS) - set(PROVENANCE_FIELDS) - set(M2M_FIELDS)
    if unknown:
        raise TypeError(f"change_action_point() cannot change {', '.join(sorted(unknown))}")
    pk = action_point.pk if isinstance(action_point, ActionPoint) else action_point
    note = (note or "").strip()

    with transaction.atomic():
        item = (
            ActionPoint.objects.select_for_update(of=("self",)).select_related("parent").get(pk=pk)
        )
        if expected_version is not None and item.version != expected_version:
            raise StaleVersion(item)
        read_version = item.version
        status_before = item.status

        diff: dict[str, list[str]] = {}
        for field in (*SCALAR_FIELDS, *PROVENANCE_FIELDS):
            if field in changes and getattr(item, field) != changes[field]:
                diff[field] = [_as_text(getattr(item, field)), _as_text(changes[field])]
                setattr(item, field, changes[field])
        m2m_new: dict[str, list[Model]] = {}
        for field in M2M_FIELDS:
            if field in changes:
                before = list(getattr(item, field).all())
                after = list(changes[field])
                if {o.pk for o in before} != {o.pk for o in after}:
                    diff[field] = [_m2m_text(before), _m2m_text(after)]
                    m2m_new[field] = after
        if not diff and not note:
            raise NothingToChange()
        flagged = personal_data.check(
            {
                "note": note,
                **{f: str(changes[f]) for f in ("title", "description") if f in diff},
            },
            confirmed=pii_confirmed,
        )
        # Instant notices: whose the item was, read before the leads or focal points change.
        # Sample progress (load_demo) tells nobody: it is not news.
        tells = not is_sample and bool({"status", "due_date", *M2M_FIELDS} & set(diff))
        owners_before = notices.owners_of(item) if tells else set()

        item.full_clean(exclude=["lead_organizations", "focal_points"])

        now = timezone.now()
        if "status" in diff:
            item.completed_at = now if item.status == Status.DONE else None
        item.updated_at = now
        item.version = read_version + 1
        # The version condition makes the write safe on databases where select_for_update
        # does not lock (SQLite): a concurrent writer leaves this UPDATE matching no row.
        saved = ActionPoint.objects.filter(pk=item.pk, version=read_version).update(
            **{
                f: getattr(item, f)
                for f in (*SCALAR_FIELDS, *PROVENANCE_FIELDS, "updated_at", "completed_at")
            },
            version=item.version,
        )
        if not saved:
            raise StaleVersion(ActionPoint.objects.get(pk=item.pk))
        for field, objects in m2m_new.items():
            getattr(item, field).set(objects)

        entry = ActionUpdate.objects.create(
            action_point=item,
            author=_author(by),
            author_name=display_name(_author(by)) or author_name,
            created_at=now,
            kind=_kind_of(diff),
            status_before=status_before,
            status_after=item.status,
            note=note,
            changes={k: v for k, v in diff.items() if k != "status"},
            version=item.version,
            meeting=meeting,
            pii_confirmed=flagged,
            is_sample=is_sample,
            via=via,
        )
        if tells:
            owners_after = notices.owners_of(item) if m2m_new else owners_before
            notices.after_change(
                entry, by=_author(by), owners_before=owners_before, owners_after=owners_after
            )
        return entry


def _kind_of(diff: dict[str, list[str]]) -> str:
    if not diff:
        return ActionUpdate.Kind.NOTE
    if set(diff) == {"status"}:
        return ActionUpdate.Kind.STATUS_CHANGE
    if set(diff) <= {*M2M_FIELDS, "forum"}:
        return ActionUpdate.Kind.REASSIGNMENT
    return ActionUpdate.Kind.EDIT


@dataclass
class BulkChange:
    """What a bulk status change did, by code."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # already in that status
    stale: list[str] = field(default_factory=list)  # moved on since the caller read it
    refused: list[str] = field(default_factory=list)  # the change breaks a rule of the plan


def change_status_of_many(
    *,
    ids: Iterable[int],
    by: User,
    status: str,
    note: str = "",
    versions: dict[int, int] | None = None,
    pii_confirmed: bool = False,
) -> BulkChange:
    """Set one status on many items, each through ``change_action_point`` (so each in its
    own transaction, with its own journal row). An item whose version differs from
    ``versions[pk]`` is left alone and reported as stale; one refused does not stop the
    others."""
    versions = versions or {}
    # Checked once, before any item: a refused note must not leave half the items changed.
    personal_data.check({"note": note}, confirmed=pii_confirmed)
    result = BulkChange()
    rows = ActionPoint.objects.filter(pk__in=list(ids)).order_by(*REPORT_ORDER)
    for pk, code in rows.values_list("pk", "code"):
        try:
            change_action_point(
                action_point=pk,
                by=by,
                expected_version=versions.get(pk),
                status=status,
                note=note,
                pii_confirmed=pii_confirmed,
            )
        except StaleVersion:
            result.stale.append(code)
        except NothingToChange:
            result.unchanged.append(code)
        except ValidationError:
            result.refused.append(code)
        else:
            result.changed.append(code)
    return result


def items_a_deletion_would_change(obj: Model) -> "QuerySet[ActionPoint]":
    """The action points whose leads, forum or focal points would change if ``obj`` (an
    organisation, a forum or a person) were deleted: silently, with no journal row."""
    if isinstance(obj, Organization):
        return ActionPoint.objects.filter(lead_organizations=obj)
    if isinstance(obj, Forum):
        return ActionPoint.objects.filter(forum=obj)
    if isinstance(obj, Person):
        return ActionPoint.objects.filter(focal_points=obj)
    return ActionPoint.objects.none()


def refuse_deletion_that_changes_items(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """A ``pre_delete`` receiver: deleting what items point to would change them behind the
    journal's back, so it is refused until the items are changed through the service."""
    items = list(items_a_deletion_would_change(instance).order_by(*REPORT_ORDER)[:10])
    if items:
        raise ProtectedError(deletion_refused_message(instance, items), set(items))


def deletion_refused_message(obj: Model, items: list[ActionPoint]) -> str:
    return _(
        "%(name)s cannot be deleted: action points name it (%(codes)s). Change those action "
        "points first, so that their journal records it."
    ) % {"name": obj, "codes": ", ".join(item.code for item in items)}
