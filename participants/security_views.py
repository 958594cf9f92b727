"""The security log, for coordinators: sign-ins, failures, lockouts, passwords, two-step
sign-in, API tokens and exports (pimtracker/security/). Access changes are on the access
log, linked from the page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from actions import permissions
from pimtracker.security.models import SecurityEvent, SecurityEventKind

PAGE_SIZE = 100


@require_safe
def security_log(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request.user)
    events = SecurityEvent.objects.only(
        "at", "kind", "actor_name", "subject_name", "username", "ip_address", "detail", "rows"
    )
    kind = request.GET.get("kind", "")
    if kind in SecurityEventKind.values:
        events = events.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "participants/security_log.html",
        {
            "page": page,
            "kinds": SecurityEventKind.choices,
            "kind": kind,
            "days": settings.SECURITY_LOG_DAYS,
        },
    )
