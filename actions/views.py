"""Pages everyone with a role reads, and the status update partners make.

Each view starts with one permission-checked fetch (``selectors.get_*_for_*`` or
``permissions.require_*``), then hands the template everything it shows.
Coordinators' forms live in ``coordinator_views``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from . import permissions, selectors, services
from .filters import ActionPointFilter
from .forms import UpdateForm
from .health import check_broker, check_database
from .models import ActionPoint, Status
from .sign_in import take_fresh_sign_in

PAGE_SIZE = 50


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    role = permissions.require_reader(request.user)
    if take_fresh_sign_in(request) and role == permissions.Role.PARTNER:
        return redirect("my_items")
    board = selectors.dashboard(timezone.localdate())
    return render(request, "actions/home.html", {"board": board, "statuses": Status.choices})


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """LOGIN_REDIRECT_URL: partners to their own items, everyone else to the dashboard."""
    take_fresh_sign_in(request)
    if permissions.role_of(request.user) == permissions.Role.PARTNER:
        return redirect("my_items")
    return redirect("home")


@require_safe
def action_list(request: HttpRequest) -> HttpResponse:
    permissions.require_reader(request.user)
    choices = selectors.filter_choices()
    # Plan order, with the primary key last so that pages never overlap on ties.
    base = selectors.action_points_for_list().order_by(
        "plan_id", "area__order", "position", "code", "pk"
    )
    filterset = ActionPointFilter(request.GET or None, queryset=base, choices=choices)
    page = None
    last_page = None
    if not filterset.is_bound or filterset.is_valid():
        paginator = Paginator(filterset.qs, PAGE_SIZE)
        number = (filterset.form.cleaned_data.get("page") if filterset.is_bound else None) or 1
        if number > paginator.num_pages:
            # A page past the end (an old shared link) is empty and says where the end is.
            last_page = paginator.num_pages
        else:
            page = paginator.page(number)
            page.object_list = list(page.object_list)
    return render(
        request,
        "actions/action_list.html",
        {
            "form": filterset.form,
            "choices": choices,
            "page": page,
            "items": page.object_list if page else [],
            "out_of_range": last_page is not None,
            "last_page": last_page,
            "can_bulk": permissions.can_edit(request.user),
            "statuses": Status.choices,
        },
    )


def _detail_context(
    request: HttpRequest, item: ActionPoint, form: UpdateForm | None = None
) -> dict:
    may_update = permissions.can_update(request.user, item)
    if may_update and form is None:
        form = UpdateForm(initial={"status": item.status, "version": item.version})
    return {
        "item": item,
        "journal": list(item.updates.all()),
        "sub_items": list(item.sub_items.all()),
        "leads": list(item.lead_organizations.all()),
        "focal_points": list(item.focal_points.all()),
        "can_update": may_update,
        "can_edit": permissions.can_edit(request.user),
        "show_contacts": permissions.can_see_contact_details(request.user),
        "form": form if may_update else None,
    }


@require_safe
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_action_point_for_view(request.user, pk)
    return render(request, "actions/action_detail.html", _detail_context(request, item))


@require_POST
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Status and note through the service; a stale version is refused and the user's
    note is shown back to them with the newer state."""
    item = selectors.get_action_point_for_update(request.user, pk)
    form = UpdateForm(request.POST)
    kept: dict | None = None  # the user's entries, when a newer version refused them
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_action_point(
                action_point=item,
                by=request.user,
                expected_version=data["version"],
                status=data["status"],
                note=data["note"],
            )
        except services.StaleVersion:
            kept = {"status": data["status"], "note": data["note"]}
        except services.NothingToChange:
            form.add_error(None, _("Nothing to save: choose another status or write a note."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(code)s saved. Its status is now “%(status)s”.")
                % {"code": item.code, "status": Status(data["status"]).label},
            )
            return redirect(item)
    fresh = selectors.get_action_point_for_view(request.user, pk)
    if kept is not None:
        # Nothing was written. Give the user's entries back, against the version the page
        # now shows, so that saving again is a choice made knowingly.
        form = UpdateForm(initial={**kept, "version": fresh.version})
        messages.error(request, stale_message(fresh))
    context = _detail_context(request, fresh, form)
    return render(request, "actions/action_detail.html", context, status=409 if kept else 200)


def stale_message(item: ActionPoint) -> str:
    """What the user needs to decide after a refused save: the item's state now."""
    latest = next(iter(item.updates.all()), None)
    params = {
        "code": item.code,
        "status": item.get_status_display(),
        "who": getattr(latest, "author_name", "") or _("someone"),
        "when": timezone.localtime(latest.created_at).strftime("%Y-%m-%d %H:%M") if latest else "",
    }
    return (
        _(
            "%(code)s was changed by %(who)s at %(when)s while you were working on it; "
            "nothing of yours was saved. It is now “%(status)s”. Your entries are kept in "
            "the form: check them against the journal and save again."
        )
        % params
    )


@require_safe
def my_items(request: HttpRequest) -> HttpResponse:
    permissions.require_reader(request.user)
    person = permissions.person_of(request.user)
    today = timezone.localdate()
    groups = selectors.my_items(person, today) if person else None
    return render(
        request,
        "actions/my_items.html",
        {
            "person": person,
            "groups": groups,
            "sections": [
                ("overdue", _("Overdue"), groups.overdue if groups else []),
                ("due-soon", _("Due in the next 14 days"), groups.due_soon if groups else []),
                ("open", _("Open"), groups.open if groups else []),
                ("closed", _("Closed"), groups.closed if groups else []),
            ],
        },
    )


@require_safe
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_view(request.user, pk)
    sections = selectors.plan_sections(plan, timezone.localdate())
    return render(
        request,
        "actions/plan_detail.html",
        {"plan": plan, "sections": sections, "statuses": Status.choices},
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page: says kindly why, and for an account with no role what to ask for."""
    no_role = isinstance(exception, permissions.NoRole) or (
        request.user.is_authenticated and not permissions.can_read(request.user)
    )
    reason = str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""
    return render(
        request, "actions/forbidden.html", {"no_role": no_role, "reason": reason}, status=403
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
