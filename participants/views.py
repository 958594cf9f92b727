"""Organisation pages: every organisation with its progress, and one organisation's items.
Read by every role; staff e-mail addresses only for coordinators (DESIGN §2).

And the language switch, open to everyone, the sign-in page included.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import i18n
from django.views.decorators.http import require_POST, require_safe

from actions import permissions
from actions.models import Status

from . import selectors
from .language import change_language

PAGE_SIZE = 50


@require_safe
def organization_list(request: HttpRequest) -> HttpResponse:
    permissions.require_reader(request.user)
    # NUL is dropped: PostgreSQL refuses it in a text comparison.
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    paginator = Paginator(selectors.organizations_with_counts(timezone.localdate(), q), PAGE_SIZE)
    # Organisations have no filter form to report a bad page on: any bad value means page 1
    # and a page past the end means the last one, as Django's get_page does.
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "participants/organization_list.html",
        {
            "page": page,
            "rows": selectors.with_counts(list(page.object_list)),
            "q": q,
            "statuses": Status.choices,
        },
    )


@require_safe
def organization_detail(request: HttpRequest, acronym: str) -> HttpResponse:
    organization = selectors.get_organization_for_view(request.user, acronym)
    data = selectors.organization_page(organization, timezone.localdate())
    return render(
        request,
        "participants/organization_detail.html",
        {
            "data": data,
            "show_contacts": permissions.can_see_contact_details(request.user),
            "statuses": Status.choices,
        },
    )


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (the cookie, the safe redirect to ``next``), and for a
    signed-in person the choice kept on ``Person.language``, which their e-mails follow."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    # An account without a person record has nowhere to keep it: the cookie alone serves.
    person = getattr(request.user, "person", None)
    if person is not None and language in dict(settings.LANGUAGES):
        change_language(person=person, language=language)
    return response
