"""Requests refused before any work: too large a body, or NUL bytes where text is expected.

``RequestLimitsMiddleware`` sits before the CSRF middleware, which reads the body of every
POST: a body is judged by its declared ``Content-Length`` and refused (413) before a byte of
it is read, so a 1 GB upload is never spooled to the temporary directory.

- Anonymous requests may send what the sign-in, password-reset and set-password forms need
  (``ANONYMOUS_MAX_BODY_BYTES``). A form posted after the session expired is kept through
  sign-in (``pimtracker.drafts``), so the views that keep drafts take a draft's worth more.
  A chunked body (no length) from an anonymous client is refused unread.
- Signed-in requests may send ``DATA_UPLOAD_MAX_MEMORY_SIZE``, or more to a view marked with
  ``accepts_upload(max_bytes)`` (the spreadsheet import).
- A NUL byte in the address, the query string or a form field of the admin is refused
  (400): PostgreSQL can neither store nor compare one, and the admin's list filters and
  search put them straight into queries. The site's own pages check their parameters with
  forms, which refuse NUL with a message in the form (and tests hold them to it).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.defaults import bad_request

# The sign-in form with a long password, its CSRF token and a ``next`` address; the
# set-password form with two long passwords.
ANONYMOUS_MAX_BODY_BYTES = 8 * 1024
# Enough for an action point's form with every text field full (10,000 characters each,
# Arabic, percent-encoded), so that a form kept as a draft is not refused.
ANONYMOUS_DRAFT_MAX_BYTES = 256 * 1024
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

View = Callable[..., Any]


def accepts_upload(max_bytes: int) -> Callable[[View], View]:
    """Let a view receive a request body of up to ``max_bytes`` from a signed-in user."""

    def decorator(view: View) -> View:
        view.max_request_bytes = max_bytes  # type: ignore[attr-defined]  # read below
        return view

    return decorator


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if ("\x00" in request.path or "%00" in query or "\x00" in query) and _in_admin(request):
            return _bad_request(request, "NUL byte in the address")
        if request.method in BODY_METHODS:
            refused = self._check_body(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check_body(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _bad_request(request, "Content-Length is not a number")
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length > ANONYMOUS_MAX_BODY_BYTES or chunked:
            view = _view_of(request)
            if not _signed_in(request):
                allowed = ANONYMOUS_DRAFT_MAX_BYTES if hasattr(view, "draft_page") else 0
                if chunked or length > max(allowed, ANONYMOUS_MAX_BODY_BYTES):
                    return too_large(request, signed_in=False)
            else:
                allowed = getattr(view, "max_request_bytes", settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
                if length > allowed:
                    return too_large(request, signed_in=True, allowed=allowed)
        content_type = request.META.get("CONTENT_TYPE", "")
        if length and content_type.startswith(FORM_CONTENT_TYPES) and _in_admin(request):
            try:
                fields = request.POST
            except (SuspiciousOperation, BadRequest):  # not UTF-8, too many fields, …
                return _bad_request(request, "unreadable form")
            if any("\x00" in v for _name, values in fields.lists() for v in values):
                return _bad_request(request, "NUL byte in a form field")
        return None


def too_large(request: HttpRequest, *, signed_in: bool, allowed: int = 0) -> HttpResponse:
    """413, with a page that says what the limit is (rendered without the request: the
    user is not known yet, and the page shows no navigation)."""
    context = {"signed_in": signed_in, "allowed_mb": f"{allowed / 2**20:.0f}"}
    return HttpResponse(render_to_string("413.html", context), status=413)


def _bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    return bad_request(request, SuspiciousOperation(reason))


def _view_of(request: HttpRequest) -> View | None:
    try:
        return resolve(request.path_info).func
    except Resolver404:
        return None


def _in_admin(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).namespace == "admin"
    except Resolver404:
        return False


def _signed_in(request: HttpRequest) -> bool:
    """Whether the session names an account. The account itself is loaded later, by the
    authentication middleware; a session that names a deleted one is refused there."""
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session
