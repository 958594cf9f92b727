"""What a weekly digest says, and the e-mail that carries it.

``Snapshot.load`` reads everything the digests of one run need with a constant number of
queries, whatever the number of items and recipients; ``build_digest`` picks one person's
part in Python; ``compose`` renders the e-mail (templates in ``templates/emails/``) in the
person's language and in site time. Who gets a digest and sending it exactly once are in
``actions.digests``.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Max, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.models import Person

from .models import ActionPoint, ActionUpdate, DigestDelivery, DigestKind, Status

FIRST_WINDOW = datetime.timedelta(days=7)  # "what changed" for someone's first digest
LONGEST_WINDOW = datetime.timedelta(days=28)  # ... and at most, after a long pause
MAX_CHANGES = 50  # per plan; the rest is a link to the site
MAX_ADDITIONS_LISTED = 3  # more items added at once (an import) are listed by code only
DUE_SOON_DAYS = 14

UNSUBSCRIBE_SALT = "actions.digests.unsubscribe"
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=60)

_WEEK = re.compile(r"(\d{4})-W(\d{2})")


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
    due_date: datetime.date | None
    days: int  # overdue by, or left until due
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
    item_id: int = 0
    is_addition: bool = False


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
class PlanSection:
    title: str
    url: str
    changes: list[ChangeRow] = field(default_factory=list)
    more_changes: int = 0
    added: list[str] = field(default_factory=list)  # codes, when many items were added
    overdue: list[ItemRow] = field(default_factory=list)
    due_soon: list[ItemRow] = field(default_factory=list)
    other_open: list[ItemRow] = field(default_factory=list)
    areas: dict[int, AreaProgress] = field(default_factory=dict)

    @property
    def progress(self) -> list[AreaProgress]:
        return list(self.areas.values())

    @property
    def open_count(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.other_open)


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
        return any(s.open_count or s.changes or s.added for s in self.plans)


@dataclass
class Snapshot:
    """Everything the digests of one run read, loaded with five queries."""

    now: datetime.datetime
    items: dict[int, ActionPoint]  # all items in plan order, leads and focal points loaded
    entries: list[ActionUpdate]  # the journal since the earliest window, newest first
    last_sent: dict[int, datetime.datetime]  # person id -> when their previous digest was made
    # Built once per run, so that each digest reads its own items instead of testing every
    # item of the plan for every recipient (that test was most of a digest's cost).
    order: dict[int, int] = field(default_factory=dict)  # item id -> place in plan order
    by_organization: dict[int, set[int]] = field(default_factory=dict)  # lead org -> items
    by_person: dict[int, set[int]] = field(default_factory=dict)  # focal point -> items

    @classmethod
    def load(
        cls, *, period: datetime.date, people: Iterable[int], now: datetime.datetime | None = None
    ) -> "Snapshot":
        now = now or timezone.now()
        # The previous digest's window ended when its row was made (before its content was
        # read), not when it went out: a window ending at sent_at would skip what happened
        # while it was being sent. Overlap is harmless; a gap loses news.
        last_sent = dict(
            DigestDelivery.objects.filter(
                person__in=list(people), status=DigestDelivery.State.SENT, period__lt=period
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
        snapshot.items = {item.pk: item for item in items}
        for place, item in enumerate(snapshot.items.values()):
            snapshot.order[item.pk] = place
            for organization in item.lead_organizations.all():
                snapshot.by_organization.setdefault(organization.pk, set()).add(item.pk)
            for focal in item.focal_points.all():
                snapshot.by_person.setdefault(focal.pk, set()).add(item.pk)
        snapshot.entries = list(
            ActionUpdate.objects.filter(created_at__gt=earliest, created_at__lte=now)
            .select_related("author__person")
            .order_by("-created_at", "-id")
        )
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


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


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
    own items for a partner. Call inside ``translation.override(person.language)``."""
    today = timezone.localdate(snapshot.now)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    since = snapshot.since_for(person.pk)
    own = snapshot.own_items(person)
    if kind == DigestKind.CORE_GROUP:
        scope: Iterable[ActionPoint] = snapshot.items.values()
        in_scope: Callable[[int], bool] = lambda pk: True  # noqa: E731
    else:
        scope = [snapshot.items[pk] for pk in sorted(own, key=snapshot.order.__getitem__)]
        in_scope = own.__contains__
    sections: dict[int, PlanSection] = {}

    def section_of(item: ActionPoint) -> PlanSection:
        if item.plan_id not in sections:
            sections[item.plan_id] = PlanSection(
                title=item.plan.title, url=_absolute(item.plan.get_absolute_url())
            )
        return sections[item.plan_id]

    for item in scope:
        section = section_of(item)
        area = section.areas.setdefault(item.area_id, AreaProgress(item.area.code, item.area.name))
        area.total += 1
        setattr(area, item.status, getattr(area, item.status) + 1)
        if not item.is_open:
            continue
        row = ItemRow(
            code=item.code,
            title=item.title,
            url=_absolute(item.get_absolute_url()),
            status=item.get_status_display(),
            due_date=item.due_date,
            days=abs((item.due_date - today).days) if item.due_date else 0,
            owners=_owners(item),
            is_own=kind == DigestKind.CORE_GROUP and item.pk in own,
        )
        if item.due_date and item.due_date < today:
            area.overdue += 1
            section.overdue.append(row)
        elif item.due_date and item.due_date <= soon:
            section.due_soon.append(row)
        elif kind == DigestKind.PARTNER:
            section.other_open.append(row)

    for entry in snapshot.entries:
        if entry.created_at <= since:
            break
        item = snapshot.items.get(entry.action_point_id)
        if item is None or not in_scope(item.pk):  # None: created after the items were read
            continue
        section_of(item).changes.append(
            ChangeRow(
                when=entry.created_at,
                code=item.code,
                title=item.title,
                url=_absolute(item.get_absolute_url()),
                what=_what_changed(entry),
                author=_author(entry),
                note=" ".join(entry.note.split()),
                item_id=item.pk,
                is_addition=entry.kind == ActionUpdate.Kind.CREATED,
            )
        )
    for section in sections.values():
        section.overdue.sort(key=lambda row: row.due_date)
        section.due_soon.sort(key=lambda row: row.due_date)
        additions = [row for row in section.changes if row.is_addition]
        if len(additions) > MAX_ADDITIONS_LISTED:  # an import: one line, not one per item
            added = sorted({row.item_id for row in additions}, key=snapshot.order.__getitem__)
            section.added = [snapshot.items[pk].code for pk in added]
            section.changes = [row for row in section.changes if not row.is_addition]
        section.more_changes = max(0, len(section.changes) - MAX_CHANGES)
        del section.changes[MAX_CHANGES:]
    return Digest(person, kind, period, since, today, list(sections.values()))


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
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


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
        subject, text, html = render_email(f"digest_{kind}", context)
    headers = {
        "Message-ID": message_id(person.pk, period),
        "List-Id": f"PIM Tracker weekly digest <digest.{_mail_domain()}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return Composed(digest, subject, text, html, headers)
