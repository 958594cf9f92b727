"""Coordinators' forms: create and edit action points, change the status of many at once.

Every write is ``actions.services``'; these views parse input, call it, and say what
happened. Non-coordinators get 403 before anything is read or written.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from pimtracker.drafts import keeps_draft, post_only, take_draft

from . import edit_merge, filters, permissions, selectors, services
from .forms import ActionPointForm, BulkStatusForm
from .models import ActionPoint, Meeting, Status
from .views import stale_message


def _form_context(form: ActionPointForm, item: ActionPoint | None) -> dict:
    choices = filters.filter_choices()
    return {
        "form": form,
        "item": item,
        "organization_acronyms": choices.organization_acronyms,
        "forum_acronyms": choices.forum_acronyms,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def action_create(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request.user)
    form = ActionPointForm(request.POST if request.method == "POST" else None)
    meeting = _meeting_of(request)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.create_action_point(
                by=request.user,
                plan=data["plan"],
                note=data["note"],
                meeting=meeting,
                pii_confirmed=data["pii_confirmed"],
                **{name: data[name] for name in services.EDITABLE_FIELDS},
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(code)s created.") % {"code": item.code})
            return redirect(item)
    context = _form_context(form, None) | {"meeting": meeting}
    return render(request, "actions/action_form.html", context)


def _meeting_of(request: HttpRequest) -> Meeting | None:
    """Meetings: the meeting a new item is agreed at, when it is created from its page."""
    raw = request.POST.get("meeting") or request.GET.get("meeting") or ""
    if not raw.isdecimal():
        return None
    return Meeting.objects.select_related("forum").filter(pk=int(raw)).first()


@keeps_draft(lambda pk: reverse("action_edit", args=[pk]))
@require_http_methods(["GET", "HEAD", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_action_point_for_edit(request.user, pk)
    # A draft kept through sign-in is shown filled in, never saved by a GET.
    entries = request.POST if request.method == "POST" else take_draft(request, request.path)
    form = ActionPointForm(entries, instance=item)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        picks = {name: request.POST.get(f"pick_{name}") for name in services.EDITABLE_FIELDS}
        try:
            edit_merge.change_what_the_editor_changed(
                action_point=item.pk,
                by=request.user,
                read=form.read_texts(),
                values=data,
                expected_version=data["version"],
                note=data["note"],
                pii_confirmed=data["pii_confirmed"],
                keep_theirs={name for name, pick in picks.items() if pick == "theirs"},
                take_mine={name for name, pick in picks.items() if pick == "mine"},
            )
        except edit_merge.EditConflict as conflict:
            return render(
                request,
                "actions/action_conflict.html",
                _conflict_context(request, conflict),
                status=409,
            )
        except services.StaleVersion:  # moved on again while this was being saved
            fresh = selectors.get_action_point_for_view(request.user, pk)
            messages.error(request, stale_message(fresh))
            form = ActionPointForm(instance=fresh)
            status = 409
        except services.NothingToChange:
            messages.info(request, _("Nothing was changed."))
            return redirect(item)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(code)s saved.") % {"code": data["code"]})
            return redirect(item)
    return render(request, "actions/action_form.html", _form_context(form, item), status=status)


@post_only(lambda: reverse("action_list"))
def bulk_status(request: HttpRequest) -> HttpResponse:
    """One status for the ticked rows, each through the service (one journal row each).

    A row someone changed since the list was shown is left alone and named in the message.
    """
    permissions.require_coordinator(request.user)
    form = BulkStatusForm(request.POST)
    back = _safe_next(request)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                # An ErrorList yields its messages, as text; the stubs say ValidationError too.
                messages.error(request, error)  # type: ignore[arg-type]
        return HttpResponseRedirect(back)
    status = form.cleaned_data["status"]
    result = services.change_status_of_many(
        ids=form.cleaned_data["ids"],
        by=request.user,
        status=status,
        note=form.cleaned_data["note"],
        versions=form.versions(),
    )
    label = Status(status).label
    if result.changed:
        messages.success(
            request,
            ngettext(
                "%(count)d item set to “%(status)s”: %(codes)s.",
                "%(count)d items set to “%(status)s”: %(codes)s.",
                len(result.changed),
            )
            % {"count": len(result.changed), "status": label, "codes": ", ".join(result.changed)},
        )
    if result.unchanged:
        messages.info(
            request,
            _("Already “%(status)s”, left as they were: %(codes)s.")
            % {"status": label, "codes": ", ".join(result.unchanged)},
        )
    if result.stale:
        messages.warning(
            request,
            _("Changed by someone else since the list was shown, left as they are: %(codes)s.")
            % {"codes": ", ".join(result.stale)},
        )
    if result.refused:
        messages.error(
            request,
            _("Refused, as the change breaks a rule of the plan: %(codes)s.")
            % {"codes": ", ".join(result.refused)},
        )
    return HttpResponseRedirect(back)


def _safe_next(request: HttpRequest) -> str:
    """The list page the form came from, if ``next`` is an address on this site.

    Used as an address, never through ``redirect()``, which would take a word such as
    ``next=home`` for the name of a view (and fail on most words, after the save)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("action_list")


def _conflict_context(request: HttpRequest, conflict: edit_merge.EditConflict) -> dict:
    """The choice to make: each field both changed, theirs and yours; the editor's whole
    form again, hidden, with the version they have now seen."""
    labels = {name: field.label for name, field in ActionPointForm.base_fields.items()}
    carried = [
        (name, value)
        for name in request.POST
        if name not in {"csrfmiddlewaretoken", "version"} and not name.startswith("pick_")
        for value in request.POST.getlist(name)
    ]
    latest = conflict.current.updates.select_related("author__person").first()
    return {
        "item": conflict.current,
        "latest": selectors.label_journal_entries([latest])[0] if latest else None,
        "conflicts": [
            {
                "name": name,
                "label": labels.get(name, name),
                "theirs": _shown(name, theirs),
                "yours": _shown(name, yours),
            }
            for name, (theirs, yours) in conflict.fields.items()
        ],
        "carried": carried,
        "seen_version": conflict.current.version,
    }


def _shown(name: str, text: str) -> str:
    """A value as the pages write it: a status by its label, not its code."""
    return str(Status(text).label) if name == "status" and text in Status.values else text
