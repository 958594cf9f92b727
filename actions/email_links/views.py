"""The page an e-mail's update link opens, and the coordinators' switch.

The link's token decides who is writing, never the session: a browser signed in as someone
else is refused, so that a forwarded link cannot be used by a colleague under the
recipient's name; a browser with no session is taken to be the recipient.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from actions import permissions, services
from actions.forms import UpdateForm
from actions.models import ActionPoint, Status
from actions.update_links import LinkClaim, links_enabled, read_update_token
from participants.models import Person

from .security import record_link_use
from .services import set_links_enabled, update_from_link
from .throttle import over_limit

LAST_NOTES = 5


def _refusal(request: HttpRequest, state: str, status: int, claim: LinkClaim | None = None):
    record_link_use(
        request,
        outcome=state,
        person_id=claim.person_id if claim else None,
        item_id=claim.item_id if claim else None,
    )
    return render(request, "email_links/refused.html", {"state": state}, status=status)


def _load(claim: LinkClaim) -> tuple[Person | None, ActionPoint | None]:
    person = Person.objects.select_related("organization").filter(pk=claim.person_id).first()
    item = (
        ActionPoint.objects.select_related("plan", "area")
        .prefetch_related("lead_organizations", "focal_points")
        .filter(pk=claim.item_id)
        .first()
    )
    return person, item


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def update_page(request: HttpRequest, token: str) -> HttpResponse:
    """The item, its last notes, and a status + note form, for the link's person."""
    if over_limit(request, token):
        return _refusal(request, "throttled", 429)
    if not links_enabled():
        return _refusal(request, "off", 403)
    try:
        claim = read_update_token(token)
    except signing.SignatureExpired:
        return _refusal(request, "expired", 410)
    except signing.BadSignature:
        return _refusal(request, "invalid", 404)
    person, item = _load(claim)
    if person is None or item is None:
        return _refusal(request, "invalid", 404, claim)
    if request.user.is_authenticated and request.user.pk != person.user_id:
        return _refusal(request, "other_account", 403, claim)
    if not permissions.person_may_update(person, item):
        return _refusal(request, "refused", 403, claim)

    form = UpdateForm(
        request.POST if request.method == "POST" else None,
        initial={"status": item.status, "version": item.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_from_link(
                person=person,
                item=item,
                status=data["status"],
                note=data["note"],
                expected_version=data["version"],
                pii_confirmed=data["pii_confirmed"],
            )
        except services.StaleVersion:
            # Nothing written: the entries go back in the form, against the newer version.
            item.version = ActionPoint.objects.get(pk=item.pk).version
            form = UpdateForm(initial={**data, "version": item.version})
            messages.error(
                request,
                _(
                    "Someone changed %(code)s while you were writing; nothing was saved. Check "
                    "its state below and save again."
                )
                % {"code": item.code},
            )
        except services.NothingToChange:
            form.add_error(None, _("Nothing to save: choose another status or write a note."))
        else:
            record_link_use(request, outcome="saved", person_id=person.pk, item_id=item.pk)
            messages.success(
                request,
                _("%(code)s saved. Its status is now “%(status)s”.")
                % {"code": item.code, "status": Status(data["status"]).label},
            )
            return redirect(request.path)
    elif request.method == "GET":
        record_link_use(request, outcome="opened", person_id=person.pk, item_id=item.pk)
    notes = list(item.updates.order_by("-created_at", "-id")[:LAST_NOTES])
    return render(
        request,
        "email_links/update.html",
        {
            "person": person,
            "item": item,
            "leads": item.leads,
            "notes": notes,
            "form": form,
            "signed_in": request.user.is_authenticated,
        },
    )


class SwitchForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Let digests carry update links"),
        required=False,
    )


@require_http_methods(["GET", "POST"])
def switch_page(request: permissions.SignedInRequest) -> HttpResponse:
    """Coordinators switch update links on or off, for links already sent too."""
    permissions.require_coordinator(request.user)
    form = SwitchForm(
        request.POST if request.method == "POST" else None, initial={"enabled": links_enabled()}
    )
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["enabled"]
        set_links_enabled(enabled=enabled, by=request.user)
        messages.success(
            request,
            _("Update links are on.") if enabled else _("Update links are off, old ones too."),
        )
        return redirect("email_link_settings")
    return render(request, "email_links/switch.html", {"form": form})
