"""Meetings: everyone with a role reads them; coordinators record them and their
decisions. Each view starts with its permission check."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from actions import permissions, selectors, services
from actions.models import Meeting, Resource
from pimtracker.drafts import keeps_draft, post_only

from . import services as meeting_services
from .forms import DecisionForm, MeetingForm

PAGE_SIZE = 50


def _meeting(pk: int) -> Meeting:
    try:
        return Meeting.objects.select_related("forum").get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting") from None


@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    permissions.require_reader(request.user)
    meetings = (
        Meeting.objects.select_related("forum")
        .prefetch_related("organizations")
        .annotate(decision_count=Count("decisions", distinct=True))
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-date", "-id")
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "meetings": list(page.object_list),
            "can_edit": permissions.can_edit(request.user),
        },
    )


@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_reader(request.user)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, _meeting(pk)))


def _detail_context(
    request: HttpRequest, meeting: Meeting, form: DecisionForm | None = None
) -> dict:
    can_edit = permissions.can_edit(request.user)
    decisions = selectors.label_journal_entries(
        list(
            selectors.journal_entries(meeting.decisions.all())
            .select_related("action_point")
            .order_by("created_at", "id")
        )
    )
    return {
        "meeting": meeting,
        "organizations": list(meeting.organizations.order_by("acronym")),
        "items": list(meeting.items.select_related("plan").order_by("plan_id", "code")),
        "decisions": decisions,
        "links": list(Resource.objects.filter(meeting=meeting)),
        "can_edit": can_edit,
        "form": (form or DecisionForm()) if can_edit else None,
    }


@keeps_draft(
    lambda pk=None: reverse("meeting_edit", args=[pk]) if pk else reverse("meeting_create")
)
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    permissions.require_coordinator(request.user)
    meeting = _meeting(pk) if pk else None
    form = MeetingForm(request.POST if request.method == "POST" else None, instance=meeting)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        saved = meeting_services.save_meeting(
            by=request.user,
            meeting=meeting,
            forum=data["forum"],
            date=data["date"],
            organizations=data["organizations"],
            record=data["record"],
            items=data["items"],
        )
        messages.success(request, _("Meeting saved."))
        return redirect(saved)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@post_only(lambda pk: reverse("meeting_detail", args=[pk]))
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_coordinator(request.user)
    meeting = _meeting(pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = meeting_services.record_decision(
                meeting=meeting,
                by=request.user,
                action_point=data["action_point"],
                status=data["status"],
                note=data["note"],
            )
        except services.NothingToChange:
            form.add_error("status", _("The item already has this status."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Decision recorded on %(code)s.") % {"code": entry.action_point.code}
            )
            return redirect(meeting)
    context = _detail_context(request, meeting, form)
    return render(request, "meetings/meeting_detail.html", context, status=400)
