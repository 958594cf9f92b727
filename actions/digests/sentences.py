"""What a digest says in words: a row's owners, due date and last change, and the
sentences both parts of the e-mail say (text and HTML): each list's heading and its "and N
more", what was added, a change's count and last change.

Worked out once per digest, in the reader's language (``build_digest`` runs inside
``translation.override``), rather than in each of the two templates: Django's engine spent
more on these plural sentences than on the rest of a partner's digest, and each was written
twice. The words are those the templates had, so the catalogue's Arabic serves them as it
did. Counts are written as the templates' ``floatformat:"g"`` wrote them (2,880).
"""

import datetime
from typing import cast

from django.db.models import Field
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from actions.models import ActionPoint, ActionUpdate, Status
from actions.progress import DUE_SOON_DAYS
from pimtracker.jinja2 import date_format
from pimtracker.security.names import display_name, stored_name

from .snapshot import AreaProgress, focal_points_of


def number(value: int) -> str:
    return formats.number_format(str(value), 0, force_grouping=True)


def item_list_heading(key: str, total: int, shown: int) -> str:
    """The heading of the overdue, due soon or other open items (``key``), saying how many
    of its ``total`` the digest shows when it cannot show them all."""
    if shown == total:
        if key == "overdue":
            return _("Overdue")
        if key == "due_soon":
            return _("Due in the next %(due_soon_days)s days") % {"due_soon_days": DUE_SOON_DAYS}
        return _("Your other open items")
    if key == "overdue":
        sentence = ngettext(
            "Overdue: %(total)s item — the %(shown)s most overdue below",
            "Overdue: %(total)s items — the %(shown)s most overdue below",
            total,
        )
    elif key == "due_soon":
        sentence = ngettext(
            "Due in the next %(due_soon_days)s days: %(total)s item — the %(shown)s due "
            "first below",
            "Due in the next %(due_soon_days)s days: %(total)s items — the %(shown)s due "
            "first below",
            total,
        )
    else:
        sentence = ngettext(
            "Your other open items: %(total)s — the first %(shown)s below",
            "Your other open items: %(total)s — the first %(shown)s below",
            total,
        )
    return sentence % {"total": number(total), "shown": shown, "due_soon_days": DUE_SOON_DAYS}


def item_list_more(key: str, more: int) -> str:
    """What a list leaves to the site ("And 12 more overdue items on the site"), or ""."""
    if not more:
        return ""
    words = {"more": number(more)}
    if key == "overdue":
        return (
            ngettext(
                "And %(more)s more overdue item on the site",
                "And %(more)s more overdue items on the site",
                more,
            )
            % words
        )
    if key == "due_soon":
        return (
            ngettext(
                "And %(more)s more item due soon on the site",
                "And %(more)s more items due soon on the site",
                more,
            )
            % words
        )
    return (
        ngettext(
            "And %(more)s more other open item on the site",
            "And %(more)s more other open items on the site",
            more,
        )
        % words
    )


def changes_heading(since: datetime.datetime, total: int, shown: int) -> str:
    """What changed since the last digest (``since``, in site time)."""
    # The comma is the language's: Arabic writes its own (،).
    when = date_format(since, pgettext("date and time format", "j M Y, H:i"))
    if shown == total:
        return _("What changed since %(since)s") % {"since": when}
    return ngettext(
        "What changed since %(since)s: %(total)s item — the %(shown)s latest below",
        "What changed since %(since)s: %(total)s items — the %(shown)s latest below",
        total,
    ) % {"since": when, "total": number(total), "shown": shown}


def changes_more(more: int) -> str:
    if not more:
        return ""
    return ngettext(
        "And %(more)s more changed item on the site",
        "And %(more)s more changed items on the site",
        more,
    ) % {"more": number(more)}


def added(total: int, codes: list[str]) -> str:
    """Many items added at once (an import), by code."""
    return ngettext(
        "%(total)s action point added to the plan: %(codes)s",
        "%(total)s action points added to the plan: %(codes)s",
        total,
    ) % {"total": number(total), "codes": ", ".join(codes)}


def added_more(more: int) -> str:
    if not more:
        return ""
    return ngettext("and %(more)s more", "and %(more)s more", more) % {"more": number(more)}


def change_summary(count: int, what: str) -> str:
    """One item's changes: how many, and the newest in words ("2 changes; last: comment")."""
    return (
        ngettext("%(counter)s change", "%(counter)s changes", count) % {"counter": count}
        + semicolon()
        + _("last: %(what)s") % {"what": what}
    )


def comma() -> str:
    # Arabic writes its own comma and semicolon (، ؛): the separators are translated too.
    return pgettext("list separator", ", ")


def semicolon() -> str:
    return pgettext("list separator", "; ")


def owners(item: ActionPoint) -> str:
    leads = comma().join(o.acronym for o in item.leads)
    focal = comma().join(
        p.full_name
        if p.is_active and p.left_on is None
        else _("%(name)s (left)") % {"name": p.full_name}
        for p in focal_points_of(item)
    )
    parts = []
    if leads:
        parts.append(_("lead: %(organisations)s") % {"organisations": leads})
    if focal:
        parts.append(_("focal points: %(people)s") % {"people": focal})
    return semicolon().join(parts) or _("no owner yet")


def due(due_date: datetime.date | None, today: datetime.date) -> tuple[str, str]:
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
    return date_format(due_date, "j M Y"), when


def author(entry: ActionUpdate) -> str:
    if entry.author is None:
        return stored_name(entry.author_name) or _("PIM Tracker")
    return display_name(entry.author)


def what_changed(entry: ActionUpdate) -> str:
    if entry.kind == ActionUpdate.Kind.CREATED:
        return _("added to the plan")
    if entry.kind == ActionUpdate.Kind.COMMENT:
        return _("comment")
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
        names = comma().join(
            str(cast(Field, ActionPoint._meta.get_field(f)).verbose_name) for f in entry.changes
        )
        label = (
            _("reassigned: %(fields)s")
            if entry.kind == ActionUpdate.Kind.REASSIGNMENT
            else _("changed: %(fields)s")
        )
        parts.append(label % {"fields": names})
    return semicolon().join(parts) or _("progress note")


def introduction(core_group: bool, organisation: str, *, text: bool) -> str:
    """The digest's opening: the whole plan's for the core group, saying how the part marks
    the reader's own items (“yours” in HTML, [yours] in the ``text`` part)."""
    if not core_group:
        return _(
            "Here are your action points: those led by %(organisation)s and those where you "
            "are focal point. What is overdue, what falls due in the next %(due_soon_days)s "
            "days, and what changed since your last digest."
        ) % {"organisation": organisation, "due_soon_days": DUE_SOON_DAYS}
    if text:
        sentence = _(
            "Here is where the plan stands: what is overdue, what falls due in the next "
            "%(due_soon_days)s days, what changed since your last digest, and progress per "
            "area. Items marked [yours] are led by your organisation or have you as focal "
            "point."
        )
    else:
        sentence = _(
            "Here is where the plan stands: what is overdue, what falls due in the next "
            "%(due_soon_days)s days, what changed since your last digest, and progress per "
            "area. Items marked “yours” are led by your organisation or have you as focal "
            "point."
        )
    return sentence % {"due_soon_days": DUE_SOON_DAYS}


def why_you_get_it(core_group: bool, contact_of: str) -> str:
    """The footer: why the reader gets this digest (``contact_of``: the organisation they
    are the contact of, or "")."""
    if core_group:
        return _(
            "You receive this whole-plan digest as a member of the Protection Working Group "
            "core group."
        )
    if contact_of:
        return _("You receive this digest as the contact of %(organisation)s for action plans.") % {
            "organisation": contact_of
        }
    return _("You receive this digest as focal point of open action points.")


def due_on(date: str) -> str:
    """A row's due date in the text part ("due 9 Dec 2026")."""
    return _("due %(date)s") % {"date": date}


def dropped(count: int) -> str:
    """An area's dropped items, under its done count in the HTML part."""
    return ngettext("%(counter)s dropped", "%(counter)s dropped", count) % {"counter": count}


def area_progress(area: AreaProgress) -> str:
    """An area's progress on one line, for the text part."""
    line = _(
        "%(done)s/%(total)s done (%(percent)s%%), %(in_progress)s in progress, "
        "%(not_started)s not started, %(blocked)s blocked, %(overdue)s overdue"
    ) % {
        "done": area.done,
        "total": area.counted,
        "percent": area.percent_done,
        "in_progress": area.in_progress,
        "not_started": area.not_started,
        "blocked": area.blocked,
        "overdue": area.overdue,
    }
    if not area.dropped:
        return line
    return line + ngettext(", %(counter)s dropped", ", %(counter)s dropped", area.dropped) % {
        "counter": area.dropped
    }
