"""The security log, for coordinators: sign-ins, failures, lockouts, passwords, two-step
sign-in, API tokens and exports (pimtracker/security/). Access changes are on the access
log, linked from the page."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from actions import permissions
from pimtracker.drafts import post_only
from pimtracker.security import mfa
from pimtracker.security.models import SecurityEvent, SecurityEventKind
from pimtracker.security.names import display_name, stored_name

from . import selectors

PAGE_SIZE = 100


@require_safe
def security_log(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request.user)
    # The accounts' current names (in the reader's language); the copies once deleted.
    events = SecurityEvent.objects.select_related(
        "actor__person__organization", "subject__person__organization"
    )
    kind = request.GET.get("kind", "")
    if kind in SecurityEventKind.values:
        events = events.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.actor_name = (
            display_name(event.actor) if event.actor else stored_name(event.actor_name)
        )
        event.subject_name = (
            display_name(event.subject) if event.subject else stored_name(event.subject_name)
        )
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


@post_only(lambda pk: reverse("person_detail", args=[pk]))
def person_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Another person lost their phone: remove their authenticator and recovery codes and
    sign them out; they set it up again at their next sign-in. Written to the security log."""
    person = selectors.get_person_for_coordinator(request.user, pk)
    if person.user is None:
        messages.error(request, _("%(person)s has no account.") % {"person": person.full_name})
    elif person.user_id == request.user.pk:
        messages.error(request, _("Reset your own two-step sign-in under Settings."))
    else:
        mfa.reset(request, person.user)
        messages.success(
            request,
            _(
                "Two-step sign-in of %(person)s is reset: they are signed out and set it up "
                "again at their next sign-in."
            )
            % {"person": person.full_name},
        )
    return redirect("person_detail", pk=person.pk)
