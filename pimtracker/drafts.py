"""Nothing typed is lost to an expired session, and no write URL is a dead end.

- ``keeps_draft(page)``: a form posted after the session expired (or after signing out in
  another tab) is kept in the session, signing in keeps it, and the form's ``page`` shows it
  again, filled in, with a message. It is kept ``DRAFT_MAX_AGE`` and shown once, on that
  page, to whoever signs in next in that browser: the one who typed it.
- ``post_only(page)``: a view that only writes answers a GET (a bookmark, a reload, the
  redirect after signing in) by sending the browser to its ``page`` instead of a 405.
"""

import functools
import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

SESSION_KEY = "pimtracker_draft"
DRAFT_MAX_AGE = 2 * 60 * 60  # seconds
DRAFT_MAX_CHARS = 100_000  # a form's worth; a larger body is not kept
NOT_KEPT = {"csrfmiddlewaretoken"}

Page = Callable[..., str]
View = Callable[..., HttpResponse]


def keeps_draft(page: Page) -> Callable[[View], View]:
    """Mark a view whose form is worth keeping through sign-in; ``page(**url_kwargs)`` is
    where the form is shown again."""

    def decorator(view: View) -> View:
        view.draft_page = page  # type: ignore[attr-defined]  # read by the middleware
        return view

    return decorator


def post_only(page: Page) -> Callable[[View], View]:
    """Like ``require_POST``, but GET and HEAD go to ``page(**url_kwargs)``."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(page(*args, **kwargs))
            return HttpResponseNotAllowed(["POST"])

        return wrapper

    return decorator


class LoginRequiredKeepingDrafts(LoginRequiredMiddleware):
    """Django's ``LoginRequiredMiddleware``, keeping the draft of a ``keeps_draft`` view."""

    def handle_no_permission(self, request: HttpRequest, view_func: Any) -> HttpResponseRedirect:
        page_of = getattr(view_func, "draft_page", None)
        if request.method != "POST" or page_of is None or request.resolver_match is None:
            return super().handle_no_permission(request, view_func)
        page = page_of(**request.resolver_match.kwargs)
        fields = {k: request.POST.getlist(k) for k in request.POST if k not in NOT_KEPT}
        if sum(len(v) for values in fields.values() for v in values) <= DRAFT_MAX_CHARS:
            request.session[SESSION_KEY] = {"page": page, "at": time.time(), "fields": fields}
            messages.info(
                request,
                _("You were signed out. What you typed is kept: sign in to finish."),
            )
        return redirect_to_login(
            page,
            resolve_url(self.get_login_url(view_func)),
            self.get_redirect_field_name(view_func),
        )


def take_draft(request: HttpRequest, page: str) -> QueryDict | None:
    """The draft kept for ``page``, once: it is removed from the session as it is read."""
    draft = request.session.get(SESSION_KEY)
    if not draft or draft.get("page") != page:
        return None
    del request.session[SESSION_KEY]
    if time.time() - draft.get("at", 0) > DRAFT_MAX_AGE:
        return None
    data = QueryDict(mutable=True)
    for name, values in draft["fields"].items():
        data.setlist(name, [str(v) for v in values])
    messages.info(
        request, _("What you typed before signing in is back in the form: check it and save.")
    )
    return data
