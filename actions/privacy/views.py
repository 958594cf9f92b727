"""Redacting a journal note (coordinators), and the "Data we hold" page (everyone signed
in)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from actions import permissions
from actions.models import ActionUpdate
from pimtracker.drafts import post_only

from .forms import RedactForm
from .redaction import AlreadyRedacted, redact_note


def _item_page(pk: int, entry: int) -> str:
    return reverse("action_detail", args=[pk])


@post_only(_item_page)
def redact(request: permissions.SignedInRequest, pk: int, entry: int) -> HttpResponse:
    permissions.require_coordinator(request.user)
    row = get_object_or_404(
        ActionUpdate.objects.select_related("action_point"), pk=entry, action_point_id=pk
    )
    item = row.action_point
    form = RedactForm(request.POST)
    if not form.is_valid() or not row.note:
        messages.error(request, _("Nothing was redacted: give the reason for the redaction."))
        return redirect(item)
    try:
        redact_note(entry=row, by=request.user, reason=form.cleaned_data["reason"])
    except AlreadyRedacted:
        messages.info(request, _("That note was already redacted."))
    else:
        messages.success(
            request, _("The note was redacted. The journal keeps who did it, when and why.")
        )
    return redirect(f"{item.get_absolute_url()}#entry-{row.pk}")


@require_safe
def data_we_hold(request: HttpRequest) -> HttpResponse:
    permissions.require_reader(request.user)
    days = max(1, settings.SESSION_COOKIE_AGE // 86400)
    return render(request, "privacy/data_we_hold.html", {"session_days": days})
