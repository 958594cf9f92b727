"""A coordinator or admin user signed in with a password alone sees no page but the
two-step sign-in: verification if they have an authenticator, enrolment if not."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import mfa

# Pages that must stay open before the second step: the step itself, signing out, the
# language switch, and what is no page (static files, the health check).
OPEN_URL_NAMES = {"mfa_verify", "mfa_setup", "logout", "set_language", "healthz"}


class MFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated or mfa.is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES:
            return None
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if not request.session.get(mfa.DUE) and not mfa.is_required(user):
            return None
        target = reverse("mfa_verify" if mfa.is_enrolled(user) else "mfa_setup")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
