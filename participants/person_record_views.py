"""Coordinators confirm someone known only from an event's report as current staff, and
anonymise someone who left for good at their request (``person_records``)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pimtracker.drafts import post_only

from . import person_records, selectors
from .services import AccessError


def _person_page(pk: int) -> str:
    return reverse("person_detail", args=[pk])


@post_only(_person_page)
def person_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for_coordinator(request.user, pk)
    try:
        person_records.confirm_person(by=request.user, person=person)
    except AccessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(person)s is confirmed as current staff: listed as staff and may be focal point.")
            % {"person": person.full_name},
        )
    return redirect("person_detail", pk=pk)


@post_only(_person_page)
def person_anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for_coordinator(request.user, pk)
    if request.POST.get("confirm") != "1":
        messages.error(
            request,
            _("Nothing was changed: tick the box to confirm that they asked to be forgotten."),
        )
        return redirect("person_detail", pk=pk)
    try:
        person_records.anonymise_person(by=request.user, person=person)
    except AccessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Anonymised: name, e-mail and job title are erased; the journal says “%(label)s”.")
            % {
                "label": person_records.former_staff_label(
                    person_records.FORMER_STAFF.format(acronym=person.organization.acronym)
                )
            },
        )
    return redirect("person_detail", pk=pk)
