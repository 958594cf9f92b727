"""What a weekly digest says, and the e-mail that carries it.

``Snapshot.load`` reads everything the digests of one run need with a constant number of
queries, whatever the number of items and recipients; ``build_digest`` picks one person's
part in Python; ``compose`` renders the e-mail (templates in ``templates/emails/``) in the
person's language and in site time. Who gets a digest and sending it exactly once are in
``actions.digests``.
"""

import datetime
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from typing import Generic, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Max, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.models import Person

from .models import (
    OPEN_STATUSES,
    ActionPlan,
    ActionPoint,
    ActionUpdate,
    DigestDelivery,
    DigestKind,
    Status,
)

FIRST_WINDOW = datetime.timedelta(days=7)  # "what changed" for someone's first digest
LONGEST_WINDOW = datetime.timedelta(days=28)  # ... and at most, after a long pause
# Rows per list (what changed, overdue, due soon, other open): past that a list says its
# total and links to the site, which shows it whole. No one reads 2,000 rows in an e-mail,
# and rendering them was most of a whole-plan digest's time.
DIGEST_LIST_LIMIT = 50
MAX_ADDITIONS_LISTED = 3  # more items added at once (an import) are listed by code only
DUE_SOON_DAYS = 14

UNSUBSCRIBE_SALT = "actions.digests.unsubscribe"
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=60)

_WEEK = re.compile(r"(\d{4})-W(\d{2})")

S = TypeVar("S")
T = TypeVar("T")


# --- Weeks ------------------------------------------------------------------------------
def parse_week(text: str) -> datetime.date:
    """``2024-W11`` -> the Monday of that ISO week; ``ValueError`` for anything else."""
    match = _WEEK.fullmatch(text.strip())
    if not match:
        raise ValueError(_("Write the week as YYYY-Www, for example 2024-W07."))
    try:
        return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(_("%(week)s is not a week of that year.") % {"week": text}) from None


def week_label(period: datetime.date) -> str:
    year, week, _day = period.isocalendar()
    return f"{year}-W{week:02d}"


def current_period(now: datetime.datetime | None = None) -> datetime.date:
    """The Monday of the current ISO week, in site time."""
    today = timezone.localdate(now)
    return today - datetime.timedelta(days=today.weekday())


# --- Content ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemRow:
    code: str
    title: str
    url: str
    status: str
    due: str  # the due date as the reader's language writes it, or ""
    due_in: str  # "3 days overdue", "today", "in 9 days", or "no due date"
    owners: str
    is_own: bool


@dataclass(frozen=True)
class ChangeRow:
    when: datetime.datetime
    code: str
    title: str
    url: str
    what: str
    author: str
    note: str  # on one line


@dataclass(frozen=True)
class ShortList(Generic[T]):
    """The first ``DIGEST_LIST_LIMIT`` rows of a list, how many it has in all, and the page
    of the site that shows all of them (``url``, absolute)."""

    rows: list[T] = field(default_factory=list)
    total: int = 0
    url: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _short(items: Sequence[S], url: str, row: Callable[[S], T]) -> ShortList[T]:
    # Rows are built for the items shown only: a row (owners, link, translated status)
    # is what costs, and a whole-plan list has thousands of items.
    return ShortList([row(item) for item in items[:DIGEST_LIST_LIMIT]], len(items), url)


@dataclass
class AreaProgress:
    code: str
    name: str
    total: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    blocked: int = 0
    dropped: int = 0
    overdue: int = 0

    @property
    def counted(self) -> int:
        """Items that still count: dropped ones are neither done nor to do."""
        return self.total - self.dropped

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.counted) if self.counted else 0


@dataclass
class PlanItems:
    """A plan's items in a digest's scope, grouped before any row is built: every item
    counted per area, the open ones split by due date and sorted by it (plan order on
    ties, as the list's ``sort=due_date``)."""

    plan: ActionPlan
    areas: dict[int, AreaProgress] = field(default_factory=dict)
    overdue: list[ActionPoint] = field(default_factory=list)
    due_soon: list[ActionPoint] = field(default_factory=list)
    other_open: list[ActionPoint] = field(default_factory=list)


def group_items(items: Iterable[ActionPoint], today: datetime.date) -> dict[int, PlanItems]:
    """``items`` (in plan order) per plan, in the order of their first item."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    plans: dict[int, PlanItems] = {}
    for item in items:
        group = plans.get(item.plan_id)
        if group is None:
            group = plans[item.plan_id] = PlanItems(item.plan)
        area = group.areas.get(item.area_id)
        if area is None:
            area = group.areas[item.area_id] = AreaProgress(item.area.code, item.area.name)
        area.total += 1
        setattr(area, item.status, getattr(area, item.status) + 1)
        if not item.is_open:
            continue
        if item.due_date and item.due_date < today:
            area.overdue += 1
            group.overdue.append(item)
        elif item.due_date and item.due_date <= soon:
            group.due_soon.append(item)
        else:
            group.other_open.append(item)
    for group in plans.values():
        group.overdue.sort(key=lambda item: item.due_date)
        group.due_soon.sort(key=lambda item: item.due_date)
    return plans


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


@dataclass
class Snapshot:
    """Everything the digests of one run read, loaded with five queries."""

    now: datetime.datetime
    items: dict[int, ActionPoint]  # in plan order, leads and focal points loaded (see load)
    entries: list[ActionUpdate]  # the journal since the earliest window, newest first
    last_sent: dict[int, datetime.datetime]  # person id -> when their previous digest was made
    # Built once per run, so that each digest reads its own items instead of testing every
    # item of the plan for every recipient (that test was most of a digest's cost).
    order: dict[int, int] = field(default_factory=dict)  # item id -> place in plan order
    by_organization: dict[int, set[int]] = field(default_factory=dict)  # lead org -> items
    by_person: dict[int, set[int]] = field(default_factory=dict)  # focal point -> items
    by_item: dict[int, list[ActionUpdate]] = field(default_factory=dict)  # item -> entries
    # The whole plan grouped, per day: the same for every core-group digest of the run.
    _whole_plan: dict[datetime.date, dict[int, PlanItems]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls,
        *,
        period: datetime.date,
        people: Iterable[int],
        now: datetime.datetime | None = None,
        whole_plan: bool = True,
    ) -> "Snapshot":
        """``whole_plan=False`` when none of ``people`` gets the core group's digest: then
        only their own items and those items' journal are read. A batch of 200 partners
        needs a few hundred of the plan's items, and reading all 10,000 took 1.6 s."""
        now = now or timezone.now()
        people = list(people)
        # The previous digest's window ended when its row was made (before its content was
        # read), not when it went out: a window ending at sent_at would skip what happened
        # while it was being sent. Overlap is harmless; a gap loses news.
        last_sent = dict(
            DigestDelivery.objects.filter(
                person__in=people, status=DigestDelivery.State.SENT, period__lt=period
            )
            .order_by()
            .values("person")
            .annotate(last=Max("created_at"))
            .values_list("person", "last")
        )
        snapshot = cls(now=now, items={}, entries=[], last_sent=last_sent)
        earliest = min(
            [snapshot.since_for(p) for p in last_sent] + [now - FIRST_WINDOW],
        )
        items = (
            ActionPoint.objects.select_related("plan", "area")
            .prefetch_related(
                "lead_organizations",
                Prefetch("focal_points", queryset=Person.objects.order_by("last_name")),
            )
            .report_order()
        )
        entries = ActionUpdate.objects.filter(created_at__gt=earliest, created_at__lte=now)
        if not whole_plan:
            own = ActionPoint.objects.for_people(people).values("pk")
            items = items.filter(pk__in=own)
            entries = entries.filter(action_point__in=own)
        snapshot.items = {item.pk: item for item in items}
        for place, item in enumerate(snapshot.items.values()):
            snapshot.order[item.pk] = place
            for organization in item.lead_organizations.all():
                snapshot.by_organization.setdefault(organization.pk, set()).add(item.pk)
            for focal in item.focal_points.all():
                snapshot.by_person.setdefault(focal.pk, set()).add(item.pk)
        snapshot.entries = list(
            entries.select_related("author__person").order_by("-created_at", "-id")
        )
        for entry in snapshot.entries:
            snapshot.by_item.setdefault(entry.action_point_id, []).append(entry)
        return snapshot

    def own_items(self, person: Person) -> set[int]:
        """``ActionPointQuerySet.for_person`` answered from the loaded items: the ids of
        items led by the person's organisation or with the person as focal point."""
        return self.by_organization.get(person.organization_id, set()) | self.by_person.get(
            person.pk, set()
        )

    def since_for(self, person_id: int) -> datetime.datetime:
        last = self.last_sent.get(person_id)
        return max(last or self.now - FIRST_WINDOW, self.now - LONGEST_WINDOW)

    def whole_plan(self, today: datetime.date) -> dict[int, PlanItems]:
        """Every item grouped, once per run and not once per core-group digest. Shared
        between digests: read it, never change it."""
        if today not in self._whole_plan:
            self._whole_plan[today] = group_items(self.items.values(), today)
        return self._whole_plan[today]


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
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
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


def _owners(item: ActionPoint) -> str:
    leads = ", ".join(o.acronym for o in item.lead_organizations.all())
    focal = ", ".join(
        p.full_name
        if p.is_active and p.left_on is None
        else _("%(name)s (left)") % {"name": p.full_name}
        for p in item.focal_points.all()
    )
    parts = []
    if leads:
        parts.append(_("lead: %(organisations)s") % {"organisations": leads})
    if focal:
        parts.append(_("focal points: %(people)s") % {"people": focal})
    return "; ".join(parts) or _("no owner yet")


def _due(due_date: datetime.date | None, today: datetime.date) -> tuple[str, str]:
    """An item's due date and how far it is, in the active language. Worked out here rather
    than in the templates: both parts say it, and a template tag per row costs more."""
    if due_date is None:
        return "", _("no due date")
    days = (due_date - today).days
    if days < 0:
        when = ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
    elif days == 0:
        when = _("today")
    else:
        when = ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}
    return formats.date_format(due_date, "j M Y"), when


def _author(entry: ActionUpdate) -> str:
    if entry.author is None:
        return _("PIM Tracker")
    person = getattr(entry.author, "person", None)
    return person.full_name if person else entry.author.get_username()


def _what_changed(entry: ActionUpdate) -> str:
    if entry.kind == ActionUpdate.Kind.CREATED:
        return _("added to the plan")
    parts = []
    if entry.status_before and entry.status_before != entry.status_after:
        parts.append(
            _("status %(before)s → %(after)s")
            % {
                "before": Status(entry.status_before).label,
                "after": Status(entry.status_after).label,
            }
        )
    if entry.changes:
        names = ", ".join(str(ActionPoint._meta.get_field(f).verbose_name) for f in entry.changes)
        label = (
            _("reassigned: %(fields)s")
            if entry.kind == ActionUpdate.Kind.REASSIGNMENT
            else _("changed: %(fields)s")
        )
        parts.append(label % {"fields": names})
    return "; ".join(parts) or _("progress note")


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
    for entry in entries:
        if entry.created_at <= since:
            break
        item = snapshot.items.get(entry.action_point_id)
        if item is not None:  # None: created after the items were read
            moved.setdefault(item.plan_id, []).append(entry)

    def item_row(item: ActionPoint) -> ItemRow:
        due, due_in = _due(item.due_date, today)
        return ItemRow(
            code=item.code,
            title=item.title,
            url=_absolute(item.get_absolute_url()),
            status=item.get_status_display(),
            due=due,
            due_in=due_in,
            owners=_owners(item),
            is_own=core and item.pk in own,
        )

    def change_row(entry: ActionUpdate) -> ChangeRow:
        item = snapshot.items[entry.action_point_id]
        return ChangeRow(
            when=entry.created_at,
            code=item.code,
            title=item.title,
            url=_absolute(item.get_absolute_url()),
            what=_what_changed(entry),
            author=_author(entry),
            note=" ".join(entry.note.split()),
        )

    sections = []
    for plan_id, group in groups.items():
        links = _plan_links(group.plan, today) if core else _own_links()
        section = PlanSection(
            title=group.plan.title,
            url=_absolute(group.plan.get_absolute_url()),
            overdue=_short(group.overdue, links.overdue, item_row),
            due_soon=_short(group.due_soon, links.due_soon, item_row),
            areas=group.areas,
        )
        if not core:
            section.other_open = _short(group.other_open, links.other_open, item_row)
        changes = moved.get(plan_id, [])
        additions = [e for e in changes if e.kind == ActionUpdate.Kind.CREATED]
        if len(additions) > MAX_ADDITIONS_LISTED:  # an import: codes on one line
            added = sorted({e.action_point_id for e in additions}, key=snapshot.order.__getitem__)
            codes = [snapshot.items[pk].code for pk in added]
            section.added = _short(codes, links.moved, str)
            changes = [e for e in changes if e.kind != ActionUpdate.Kind.CREATED]
        section.changes = _short(changes, links.moved, change_row)
        sections.append(section)
    return Digest(person, kind, period, since, today, sections)


# --- Rendering --------------------------------------------------------------------------
def render_email(name: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of ``templates/emails/<name>-subject.txt``, ``-body.txt`` and
    ``-body.html``. The text templates switch autoescaping off; HTML keeps it on."""
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context)
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip() + "\n"
    html = render_to_string(f"emails/{name}-body.html", context)
    return subject, text, html


def unsubscribe_token(person: Person) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(str(person.pk))


def person_for_unsubscribe(token: str) -> Person:
    """The person a one-click link was made for. Raises ``signing.SignatureExpired`` or
    ``signing.BadSignature`` for an old or tampered link, ``Person.DoesNotExist``."""
    signer = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)
    pk = signer.unsign(token, max_age=UNSUBSCRIBE_MAX_AGE)
    return Person.objects.get(pk=int(pk))


def _mail_domain() -> str:
    return _domain_of(settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=8)
def _domain_of(address: str) -> str:
    # Twice per message, and parsing an address costs more than the rest of the headers.
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def message_id(person_id: int, period: datetime.date) -> str:
    """Stable for a delivery, so a message sent twice (the one window) is one to mail clients."""
    tag = salted_hmac("actions.digests.message-id", f"{person_id}:{period}").hexdigest()[:12]
    return f"<digest.{week_label(period)}.{person_id}.{tag}@{_mail_domain()}>"


@dataclass
class Composed:
    digest: Digest
    subject: str
    text: str
    html: str
    headers: dict[str, str]

    def message(self) -> EmailMultiAlternatives:
        person = self.digest.person
        message = EmailMultiAlternatives(
            self.subject,
            self.text,
            to=[formataddr((person.full_name, person.email))],
            headers=self.headers,
        )
        message.attach_alternative(self.html, "text/html")
        return message


def compose(*, person: Person, kind: str, period: datetime.date, snapshot: Snapshot) -> Composed:
    """The e-mail for one person and week, in their language and in site time."""
    with translation.override(person.language), timezone.override(settings.TIME_ZONE):
        digest = build_digest(person=person, kind=kind, period=period, snapshot=snapshot)
        unsubscribe_url = _absolute(reverse("digest_unsubscribe", args=[unsubscribe_token(person)]))
        titles = [s.title for s in digest.plans]
        context = {
            "digest": digest,
            "core_group": kind == DigestKind.CORE_GROUP,  # else a partner's own items
            "person": person,
            "week": week_label(period),
            "week_end": period + datetime.timedelta(days=6),
            "plan_title": titles[0]
            if len(titles) == 1
            else ngettext("%(count)d action plan", "%(count)d action plans", len(titles))
            % {"count": len(titles)},
            "due_soon_days": DUE_SOON_DAYS,
            "site_url": _absolute(reverse("home")),
            "settings_url": _absolute(reverse("notification_settings")),
            "unsubscribe_url": unsubscribe_url,
        }
        subject, text, html = render_email("digest", context)
    headers = {
        "Message-ID": message_id(person.pk, period),
        "List-Id": f"PIM Tracker weekly digest <digest.{_mail_domain()}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return Composed(digest, subject, text, html, headers)
