"""What one person's digest says: rows, lists cut to a length, links to the site."""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.emails import emailed_note
from actions.models import (
    ActionPlan,
    ActionPoint,
    ActionUpdate,
    DigestKind,
    Status,
)
from actions.progress import OPEN_STATUSES, due_soon_until
from actions.update_links import update_link
from participants.models import Person

from . import sentences
from .snapshot import AreaProgress, Snapshot, group_items

# Rows per list (what changed, overdue, due soon, other open): past that a list says its
# total and links to the site, which shows it whole. No one reads 2,000 rows in an e-mail,
# and rendering them was most of a whole-plan digest's time.
DIGEST_LIST_LIMIT = 50
MAX_ADDITIONS_LISTED = 3  # more items added at once (an import) are listed by code only

S = TypeVar("S")
T = TypeVar("T")


@dataclass(frozen=True)
class ItemRow:
    item_id: int  # for links made per reader and item (emails/_digest_item.*)
    code: str
    title: str
    url: str
    status: str
    due: str  # the due date as the reader's language writes it, or ""
    due_in: str  # "3 days overdue", "today", "in 9 days", or "no due date"
    owners: str
    is_own: bool
    update_url: str = ""  # update from an e-mail link: the item's page without a password


@dataclass(frozen=True)
class ChangeRow:
    """What changed on one item since the last digest: one entry per item, however many
    journal rows it had (B-8 used to take six lines)."""

    when: datetime.datetime  # of the newest change
    item_id: int
    code: str
    title: str
    url: str
    status: str  # the item's status now
    summary: str  # how many changes and the newest in words ("2 changes; last: comment")
    author: str  # of the newest change
    note: str  # the newest note or comment, on one line


@dataclass(frozen=True)
class ShortList(Generic[T]):
    """The first ``DIGEST_LIST_LIMIT`` rows of a list, how many it has in all, and the page
    of the site that shows all of them (``url``, absolute)."""

    rows: list[T] = field(default_factory=list)
    total: int = 0
    url: str = ""
    # What both parts of the e-mail say of the list (``sentences``): its heading and what
    # it leaves to the site.
    heading: str = ""
    more_text: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _short(items: Sequence[S], url: str, row: Callable[[S], T]) -> ShortList[T]:
    # Rows are built for the items shown only: a row (owners, link, translated status)
    # is what costs, and a whole-plan list has thousands of items.
    return ShortList([row(item) for item in items[:DIGEST_LIST_LIMIT]], len(items), url)


def _item_list(
    key: str, items: Sequence[ActionPoint], url: str, row: Callable[[ActionPoint], ItemRow]
) -> ShortList[ItemRow]:
    """The overdue, due soon or other open items (``key``), with what they say."""
    cut = _short(items, url, row)
    return replace(
        cut,
        heading=sentences.item_list_heading(key, cut.total, len(cut.rows)),
        more_text=sentences.item_list_more(key, cut.more),
    )


@dataclass
class PlanSection:
    title: str
    url: str
    changes: ShortList[ChangeRow] = field(default_factory=ShortList)
    added: ShortList[str] = field(default_factory=ShortList)  # codes, when many were added
    overdue: ShortList[ItemRow] = field(default_factory=ShortList)
    due_soon: ShortList[ItemRow] = field(default_factory=ShortList)
    other_open: ShortList[ItemRow] = field(default_factory=ShortList)  # partner digests
    areas: dict[int, AreaProgress] = field(default_factory=dict)  # every item counted

    @property
    def progress(self) -> list[AreaProgress]:
        return list(self.areas.values())

    @property
    def open_count(self) -> int:
        return self.overdue.total + self.due_soon.total + self.other_open.total

    @property
    def item_lists(self) -> list[tuple[str, ShortList[ItemRow]]]:
        """The lists of items in the order the e-mail shows them, each with its key, so
        that the templates write a row once for all three lists."""
        lists = [("overdue", self.overdue), ("due_soon", self.due_soon)]
        if self.other_open.total:
            lists.append(("other_open", self.other_open))
        return lists


@dataclass
class Digest:
    person: Person
    kind: str
    period: datetime.date
    since: datetime.datetime
    today: datetime.date
    plans: list[PlanSection]

    @property
    def has_news(self) -> bool:
        """Something open or something changed: a partner digest without either is not sent."""
        return any(s.open_count or s.changes.total or s.added.total for s in self.plans)

    @property
    def overdue_count(self) -> int:
        return sum(s.overdue.total for s in self.plans)

    @property
    def due_soon_count(self) -> int:
        return sum(s.due_soon.total for s in self.plans)

    @property
    def changed_count(self) -> int:
        return sum(s.changes.total + s.added.total for s in self.plans)

    def headline(self) -> str:
        """The counts the subject leads with: "2 overdue · 3 due soon"; what changed when
        nothing is overdue or due soon."""
        parts = []
        if self.overdue_count:
            parts.append(
                ngettext("%(count)d overdue", "%(count)d overdue", self.overdue_count)
                % {"count": self.overdue_count}
            )
        if self.due_soon_count:
            parts.append(
                ngettext("%(count)d due soon", "%(count)d due soon", self.due_soon_count)
                % {"count": self.due_soon_count}
            )
        if not parts and self.changed_count:
            parts.append(
                ngettext("%(count)d item changed", "%(count)d items changed", self.changed_count)
                % {"count": self.changed_count}
            )
        if not parts:
            parts.append(_("nothing overdue or due soon"))
        return " · ".join(parts)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _list_url(**params: object) -> str:
    """The action point list with these filters (``actions.filters``), as an absolute URL."""
    return _absolute(f"{reverse('action_list')}?{urlencode(params, doseq=True)}")


@dataclass(frozen=True)
class _Links:
    """Where each of a section's lists is shown whole on the site."""

    overdue: str
    due_soon: str
    other_open: str
    moved: str


def _plan_links(plan: ActionPlan, today: datetime.date) -> _Links:
    """The core group's: the list filtered to the plan, in the digest's order."""
    soon = due_soon_until(today)
    return _Links(
        overdue=_list_url(plan=plan.pk, overdue=1, sort="due_date"),
        due_soon=_list_url(
            plan=plan.pk,
            status=[status.value for status in OPEN_STATUSES],
            due_after=today.isoformat(),
            due_before=soon.isoformat(),
            sort="due_date",
        ),
        other_open="",  # not listed in a whole-plan digest
        moved=_list_url(plan=plan.pk, sort="-updated_at"),
    )


def _own_links() -> _Links:
    """A partner's: "My items", which has the same groups in the same order. The list page
    cannot filter on "led by my organisation or mine as focal point"."""
    mine = _absolute(reverse("my_items"))
    return _Links(
        overdue=f"{mine}#overdue",
        due_soon=f"{mine}#due-soon",
        other_open=f"{mine}#open",
        moved=mine,
    )


def build_digest(*, person: Person, kind: str, period: datetime.date, snapshot: Snapshot) -> Digest:
    """The content of one person's digest: the whole plan for the core group, the person's
    own items for a partner. Each list is cut at ``DIGEST_LIST_LIMIT`` rows with its total
    and a link to the site; the progress per area counts every item. Call inside
    ``translation.override(person.language)``."""
    today = timezone.localdate(snapshot.now)
    since = snapshot.since_for(person.pk)
    own = snapshot.own_items(person)
    core = kind == DigestKind.CORE_GROUP
    if core:
        groups = snapshot.whole_plan(today)
        entries: Iterable[ActionUpdate] = snapshot.entries
    else:
        groups = group_items(
            (snapshot.items[pk] for pk in sorted(own, key=snapshot.order.__getitem__)), today
        )
        entries = sorted(
            (entry for pk in own for entry in snapshot.by_item.get(pk, ())),
            key=lambda entry: (entry.created_at, entry.pk),
            reverse=True,
        )
    moved: dict[int, list[ActionUpdate]] = {}
    since_day = timezone.localdate(since)
    for entry in entries:
        if entry.created_at <= since:
            break
        item = snapshot.items.get(entry.action_point_id)
        if item is None:  # created after the items were read
            continue
        # Where agreed: an item added now but agreed before the window (a 2017 plan
        # imported today) is not news.
        if entry.kind == ActionUpdate.Kind.CREATED and not item.is_new_since(since_day):
            continue
        moved.setdefault(item.plan_id, []).append(entry)

    # Once per digest, not per row: the URL reversed, the labels in the reader's language.
    item_url = ActionPoint.url_for_id()
    statuses = {value: str(label) for value, label in Status.choices}

    def item_row(item: ActionPoint) -> ItemRow:
        due, due_in = sentences.due(item.due_date, today)
        return ItemRow(
            item_id=item.pk,
            code=item.code,
            title=item.title,
            url=_absolute(item_url(item.pk)),
            status=statuses[item.status],
            due=due,
            due_in=due_in,
            owners=sentences.owners(item),
            is_own=core and item.pk in own,
            # Update from an e-mail link: only on the person's own items, which they may update.
            update_url=update_link(person, item)
            if snapshot.update_links and item.pk in own
            else "",
        )

    def change_row(entries: list[ActionUpdate]) -> ChangeRow:
        newest = entries[0]  # newest first, as the journal is read
        item = snapshot.items[newest.action_point_id]
        noted = next((e for e in entries if e.note.strip()), None)
        return ChangeRow(
            when=newest.created_at,
            item_id=item.pk,
            code=item.code,
            title=item.title,
            url=_absolute(item_url(item.pk)),
            status=statuses[item.status],
            summary=sentences.change_summary(len(entries), sentences.what_changed(newest)),
            author=sentences.author(newest),
            note=emailed_note(noted) if noted else "",
        )

    sections = []
    for plan_id, group in groups.items():
        links = _plan_links(group.plan, today) if core else _own_links()
        section = PlanSection(
            title=group.plan.title,
            url=_absolute(group.plan.get_absolute_url()),
            overdue=_item_list("overdue", group.overdue, links.overdue, item_row),
            due_soon=_item_list("due_soon", group.due_soon, links.due_soon, item_row),
            areas=group.areas,
        )
        if not core:
            section.other_open = _item_list(
                "other_open", group.other_open, links.other_open, item_row
            )
        changes = moved.get(plan_id, [])
        additions = [e for e in changes if e.kind == ActionUpdate.Kind.CREATED]
        if len(additions) > MAX_ADDITIONS_LISTED:  # an import: codes on one line
            added = sorted({e.action_point_id for e in additions}, key=snapshot.order.__getitem__)
            codes = [snapshot.items[pk].code for pk in added]
            cut = _short(codes, links.moved, str)
            section.added = replace(
                cut,
                heading=sentences.added(cut.total, cut.rows),
                more_text=sentences.added_more(cut.more),
            )
            changes = [e for e in changes if e.kind != ActionUpdate.Kind.CREATED]
        per_item: dict[int, list[ActionUpdate]] = {}
        for entry in changes:  # newest first: the item that moved last leads
            per_item.setdefault(entry.action_point_id, []).append(entry)
        changed = _short(list(per_item.values()), links.moved, change_row)
        section.changes = replace(
            changed,
            heading=sentences.changes_heading(since, changed.total, len(changed.rows)),
            more_text=sentences.changes_more(changed.more),
        )
        sections.append(section)
    return Digest(person, kind, period, since, today, sections)
