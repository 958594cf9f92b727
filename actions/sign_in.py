"""Where a partner lands after signing in.

The login page sends people back to the page they asked for (``next``), and most ask for
``/``. Partners mostly come to update their own items, so a sign-in that would land on the
dashboard takes them to "My items" instead. The sign-in marks the session; the dashboard
(or ``landing``) reads and clears the mark on the very next request.
"""

from django.http import HttpRequest

LAND_BY_ROLE = "pimtracker_land_by_role"


def remember_fresh_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """``user_logged_in`` receiver: mark a sign-in through the login form headed for ``/``.

    Only a submitted form counts (``force_login`` and other programmatic logins pass a
    request without a method), so tests and scripts see the pages they ask for.
    """
    if request is None or getattr(request, "method", None) != "POST":
        return
    if request.POST.get("next", "") in ("", "/"):
        request.session[LAND_BY_ROLE] = True


def take_fresh_sign_in(request: HttpRequest) -> bool:
    """Whether this request is the first after such a sign-in (and forget it)."""
    return bool(request.session.pop(LAND_BY_ROLE, False))
