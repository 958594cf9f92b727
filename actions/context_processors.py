"""What every page's navigation needs to know about the signed-in user."""

from django.http import HttpRequest

from . import permissions
from .sample_data import sample_data_loaded


def navigation(request: HttpRequest) -> dict:
    """Which links the navigation shows. The role is read once per request and cached
    on the user, so pages that already checked it pay no extra query."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated:
        # Data responsibility: the sign-in pages say so too (one query; signed-in pages
        # read it with the role, at no cost of their own). Error pages do not ask: they
        # must render without the database (a refused host, nginx's 429).
        signing_in = match is not None and match.route.startswith("accounts/")
        return {"nav": None, "sample_data": signing_in and sample_data_loaded()}
    return {
        "nav": {
            "can_read": permissions.can_read(user),
            "is_coordinator": permissions.is_coordinator(user),
            "has_own_items": permissions.has_own_items(user),
            "current": match.url_name if match else "",
        },
        "sample_data": permissions.sample_data_loaded(user),
    }
