"""The feed (no sign-in: the secret in the address is the key) and the settings page's
buttons that make and revoke that address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from actions import permissions
from pimtracker.drafts import post_only

from .feed import build_calendar, feed_for_secret, feed_items
from .services import new_feed_secret, revoke_feed


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    feed = feed_for_secret(secret)
    if feed is None:
        raise Http404("no such calendar")
    person = permissions.person_of(feed.user)
    language = person.language if person else "en"
    body = build_calendar(feed.user, feed_items(feed.user), language)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # Calendars poll every few hours; an address leaked into a shared cache must not stay.
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="pim-tracker.ics"'
    return response


def _settings_page() -> str:
    return reverse("settings") + "#settings-calendar"


@post_only(_settings_page)
def calendar_new(request: permissions.SignedInRequest) -> HttpResponse:
    permissions.require_reader(request.user)
    new_feed_secret(user=request.user)
    messages.success(
        request, _("Your calendar has a new address. An address you used before no longer works.")
    )
    return redirect(_settings_page())


@post_only(_settings_page)
def calendar_revoke(request: permissions.SignedInRequest) -> HttpResponse:
    permissions.require_reader(request.user)
    revoke_feed(user=request.user)
    messages.success(request, _("Your calendar address no longer works."))
    return redirect(_settings_page())
