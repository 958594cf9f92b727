"""What every page's navigation needs to know about the signed-in user."""

from django.http import HttpRequest

from pimtracker.security.names import display_name

from . import permissions


def navigation(request: HttpRequest) -> dict:
    """Which links the navigation shows. The role is read once per request and cached
    on the user, so pages that already checked it pay no extra query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # No demo banner here: the sign-in and error pages render without the database.
        return {"nav": None}
    match = getattr(request, "resolver_match", None)
    return {
        "nav": {
            "can_read": permissions.can_read(user),
            "is_coordinator": permissions.is_coordinator(user),
            "has_own_items": permissions.has_own_items(user),
            "current": match.url_name if match else "",
            "sample_data": permissions.sample_data_loaded(user),
            # Security: a name, not the username (often an e-mail address, on a projector).
            "account_name": display_name(user),
        }
    }
