"""Coordinators add and remove the links of a plan, an item or a meeting; everyone who
reads the page reads them (``resources/_resources.html``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from actions import permissions
from actions.models import ActionPlan, ActionPoint, Meeting, Resource
from pimtracker.drafts import post_only

from . import services
from .forms import ResourceForm

OWNERS = {"plan": ActionPlan, "action": ActionPoint, "meeting": Meeting}


def _owner(kind: str, pk: int) -> services.Owner:
    if kind not in OWNERS:
        raise Http404("No such page")
    owner: services.Owner = get_object_or_404(OWNERS[kind], pk=pk)  # type: ignore[assignment]
    return owner


def _owner_page(kind: str, pk: int) -> str:
    names = {"plan": "plan_detail", "action": "action_detail", "meeting": "meeting_detail"}
    return reverse(names[kind], args=[pk]) if kind in names else reverse("home")


@post_only(_owner_page)
def resource_add(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    permissions.require_coordinator(request.user)
    owner = _owner(kind, pk)
    form = ResourceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_resource(
                owner=owner,
                url=data["url"],
                label=data["label"],
                description=data["description"],
                organizations=data["organizations"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Link added."))
    else:
        errors = [str(e) for field in form.errors.values() for e in field]
        messages.error(
            request, _("The link was not added: %(errors)s") % {"errors": " ".join(errors)}
        )
    return redirect(f"{_owner_page(kind, pk)}#resources")


def _resource_page(pk: int) -> str:
    resource = Resource.objects.filter(pk=pk).first()
    if resource is None:
        return reverse("home")
    if resource.plan_id:
        return _owner_page("plan", resource.plan_id)
    if resource.action_point_id:
        return _owner_page("action", resource.action_point_id)
    return _owner_page("meeting", resource.meeting_id or 0)


@post_only(_resource_page)
def resource_remove(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_coordinator(request.user)
    resource = get_object_or_404(Resource, pk=pk)
    page = _resource_page(pk)
    services.remove_resource(resource)
    messages.success(request, _("Link removed."))
    return redirect(f"{page}#resources")
