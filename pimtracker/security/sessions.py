"""Sessions end after a spell of inactivity and, whatever the activity, after a fixed time.

``SESSION_COOKIE_AGE`` is the idle timeout: each time the middleware notes activity the
session is saved, which moves both the cookie's and the stored session's expiry forward.
It notes activity at most once every ``TOUCH_EVERY`` seconds, so a busy reader does not
write the session on every page. The absolute lifetime counts from the sign-in, which a
refreshed cookie cannot extend.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

STARTED = "pimtracker_session_started"
SEEN = "pimtracker_session_seen"
TOUCH_EVERY = 60  # seconds


def mark_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the absolute lifetime starts now."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now


def session_expired(session, now: float) -> bool:
    started = session.get(STARTED)
    seen = session.get(SEEN, started)
    if started is None:
        return False
    return (
        now - started > settings.SESSION_ABSOLUTE_LIFETIME
        or now - seen > settings.SESSION_COOKIE_AGE
    )


class SessionLifetimeMiddleware:
    """Signs out a session that was idle too long or has lived its absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            if session_expired(request.session, now):
                logout(request)
                messages.info(request, _("Your session ended. Please sign in again."))
            elif now - request.session.get(SEEN, 0) > TOUCH_EVERY:
                request.session[SEEN] = now
                request.session.setdefault(STARTED, now)
        return self.get_response(request)
