"""The feed itself: RFC 5545, one all-day event per open item with a due date."""

import datetime

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from icalendar import Calendar, Event

from actions import permissions
from actions.models import ActionPoint, CalendarFeed
from actions.progress import Status
from participants.models import Person


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The feed of that secret whose account still reads the plan, with its person."""
    feed = (
        CalendarFeed.objects.select_related("user__person__organization")
        .filter(secret=secret, user__is_active=True)
        .first()
    )
    if feed is None or not permissions.can_read(feed.user):
        return None
    return feed


def feed_address(user: permissions.User) -> str:
    """The account's feed address, absolute, or "" when it has none."""
    if not user.is_authenticated:
        return ""
    secret = CalendarFeed.objects.filter(user=user).values_list("secret", flat=True).first()
    return settings.SITE_URL + reverse("calendar_feed", args=[secret]) if secret else ""


def feed_items(user: AuthUser) -> list[ActionPoint]:
    """Open items with a due date: the whole plan for coordinators, otherwise the items the
    account's person leads (through their organisation) or is focal point for."""
    items = ActionPoint.objects.open().filter(due_date__isnull=False)
    if not permissions.is_coordinator(user):
        person = permissions.person_of(user)
        if person is None:
            return []
        items = items.for_person(person)
    return list(
        items.select_related("plan")
        .prefetch_related(
            "lead_organizations",
            Prefetch("focal_points", queryset=Person.objects.order_by("last_name")),
        )
        .report_order()
    )


def _uid(item: ActionPoint) -> str:
    # Stable for the item whatever changes on it, so calendars update the event in place.
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"action-point-{item.pk}@{host or 'pimtracker'}"


def _description(item: ActionPoint) -> str:
    comma = pgettext("list separator", ", ")
    leads = comma.join(o.acronym for o in item.lead_organizations.all()) or _("none named")
    lines = [
        _("Status: %(status)s") % {"status": Status(item.status).label},
        _("Lead organisations: %(organisations)s") % {"organisations": leads},
    ]
    focal = comma.join(p.full_name for p in item.focal_points.all())
    if focal:
        lines.append(_("Focal points: %(people)s") % {"people": focal})
    lines.append(item.plan.title)
    return "\n".join(lines)


def build_calendar(user: AuthUser, items: list[ActionPoint], language: str) -> bytes:
    """The iCalendar file of ``items``, its text in ``language``."""
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//PIM Tracker//Action points//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    with translation.override(language):
        name = _("PIM Tracker: my action points")
        if permissions.is_coordinator(user):
            name = _("PIM Tracker: the action plan")
        calendar.add("x-wr-calname", name)
        for item in items:
            due: datetime.date = item.due_date  # type: ignore[assignment]  # filtered on
            event = Event()
            event.add("uid", _uid(item))
            event.add("dtstamp", now)
            event.add("last-modified", item.updated_at)
            event.add("dtstart", due)
            event.add("dtend", due + datetime.timedelta(days=1))
            event.add("summary", f"{item.code} {item.title}")
            event.add("url", settings.SITE_URL + item.get_absolute_url())
            event.add("description", _description(item))
            event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: never "busy"
            calendar.add_component(event)
    return calendar.to_ical()
