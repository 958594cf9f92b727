"""People and access, for coordinators: who is in, invitations, roles, and hand-over when
someone leaves. Each view checks the role first (``require_coordinator``, or the
permission-checked fetch), then calls one service; the admin stays for repairs.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from actions import permissions
from pimtracker.drafts import post_only

from . import contacts, selectors, services
from .forms import GiveAccessForm, InviteForm, LeaveForm, PeopleFilterForm, RoleForm
from .models import Person

PAGE_SIZE = 50


def _person_page(pk: int) -> str:
    return reverse("person_detail", args=[pk])


@require_safe
def people_list(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request.user)
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    people = selectors.people_for_list(
        organization=filters.get("organization", ""),
        role=filters.get("role", ""),
        state=filters.get("state", ""),
    )
    if form.is_bound and not form.is_valid():
        people = people.none()
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "person": person,
            "role": services.role_of_person(person),
            "state": services.invitation_state(person),
        }
        for person in page.object_list
    ]
    return render(
        request, "participants/people_list.html", {"form": form, "page": page, "rows": rows}
    )


@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.invite_person(by=request.user, **form.cleaned_data)
        except services.AccessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(person)s is invited: a link to choose a password was e-mailed to %(email)s.")
                % {"person": person.full_name, "email": person.email},
            )
            return redirect("person_detail", pk=person.pk)
    return render(request, "participants/person_invite.html", {"form": form})


@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for_coordinator(request.user, pk)
    role = services.role_of_person(person)
    return render(
        request,
        "participants/person_detail.html",
        {
            "person": person,
            "role": role,
            "state": services.invitation_state(person),
            "role_form": RoleForm(initial={"role": role}),
            "access_form": GiveAccessForm(initial={"email": person.email}),
            "is_self": person.user_id == request.user.pk,
            **selectors.person_page(person),
        },
    )


def _act(
    request: HttpRequest, pk: int, service: Callable[..., object], done: str, **arguments: Any
) -> HttpResponse:
    """Run one access service on the person and say how it went, on their page."""
    person = selectors.get_person_for_coordinator(request.user, pk)
    return _run(request, person, service, done, **arguments)


def _run(
    request: HttpRequest,
    person: Person,
    service: Callable[..., object],
    done: str,
    **arguments: Any,
) -> HttpResponse:
    try:
        service(by=request.user, person=person, **arguments)
    except services.AccessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done % {"person": person.full_name})
    return redirect("person_detail", pk=person.pk)


@post_only(_person_page)
def person_role(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for_coordinator(request.user, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role: coordinator, partner or viewer."))
        return redirect("person_detail", pk=pk)
    return _run(
        request,
        person,
        services.change_role,
        _("The role of %(person)s was changed."),
        role=form.cleaned_data["role"],
    )


@post_only(_person_page)
def person_give_access(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for_coordinator(request.user, pk)
    form = GiveAccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address and choose a role."))
        return redirect("person_detail", pk=pk)
    return _run(
        request,
        person,
        services.invite_existing_person,
        _("%(person)s is invited: a link to choose a password was e-mailed to them."),
        **form.cleaned_data,
    )


@post_only(_person_page)
def person_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the person their organisation's contact for action plans, or stop."""
    person = selectors.get_person_for_coordinator(request.user, pk)
    is_contact = request.POST.get("is_contact") == "1"
    contacts.set_contact(person=person, is_contact=is_contact)
    done = (
        _("%(person)s is now a contact of %(organisation)s: they get its digest and notices.")
        if is_contact
        else _("%(person)s is no longer a contact of %(organisation)s.")
    )
    messages.success(
        request,
        done % {"person": person.full_name, "organisation": person.organization.acronym},
    )
    return redirect("person_detail", pk=person.pk)


@post_only(_person_page)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.deactivate_person,
        _("%(person)s can no longer sign in and gets no digest."),
    )


@post_only(_person_page)
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.reactivate_person, _("%(person)s is active again."))


@post_only(_person_page)
def person_resend(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.resend_invitation,
        _("A new link was e-mailed to %(person)s; it is valid for 3 days."),
    )


@post_only(_person_page)
def person_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.cancel_invitation,
        _("The invitation of %(person)s was cancelled; their link no longer works."),
    )


@require_http_methods(["GET", "POST"])
def person_leave(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for_coordinator(request.user, pk)
    form = LeaveForm(request.POST or None, leaver=person)
    if request.method == "POST" and form.is_valid():
        try:
            handed = services.hand_over(by=request.user, person=person, **form.cleaned_data)
        except services.AccessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(person)s has left; %(count)s item(s) handed over.")
                % {"person": person.full_name, "count": handed},
            )
            return redirect("person_detail", pk=person.pk)
    items = selectors.person_page(person)["focal_items"]
    return render(
        request,
        "participants/person_leave.html",
        {"person": person, "form": form, "focal_items": items},
    )


@require_safe
def access_log(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request.user)
    page = Paginator(selectors.access_log(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "participants/access_log.html", {"page": page})
