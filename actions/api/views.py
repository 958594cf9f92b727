"""The read-only JSON API: ``/api/actions/`` and ``/api/actions/<id>/``.

For Power BI, Excel's "From Web" and HDX pipelines. The list takes the list page's GET
parameters (the same FilterSet, checked the same way: a bad value is a 400 with the
form's errors) and pages as it does, ``page_size`` up to 500. A caller is the signed-in
user (session) or the account of an API token (``Authorization: Bearer …``, see
``api_tokens``) and reads what that account reads on the pages: staff e-mails for
coordinators only. Only GET and HEAD: anything else is a 405, so CSRF does not arise.
Each response runs a fixed number of queries, whatever the number of rows.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from actions import permissions, selectors
from actions.models import ActionPoint

from .tokens import BadAuthorization, api_user

DEFAULT_PAGE_SIZE = 50  # as the list page
MAX_PAGE_SIZE = 500


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, detail: str, **extra: Any) -> JsonResponse:
    return _json({"detail": detail, **extra}, status=status)


def api_view(view: Callable) -> Callable:
    """GET only; authenticated by session or token; a role needed; errors as JSON."""

    @login_not_required  # a token is no session: the view authenticates itself
    @never_cache
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = _error(405, _("This API is read-only: use GET."))
            response["Allow"] = "GET, HEAD"
            return response
        try:
            user = api_user(request)
        except BadAuthorization as exc:
            user, reason = None, str(exc)
        else:
            reason = _("Sign in, or send an API token: Authorization: Bearer <token>.")
        if user is None:
            response = _error(401, reason)
            response["WWW-Authenticate"] = 'Bearer realm="PIM Tracker"'
            return response
        request.user = user
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _error(404, _("Not found."))
        except PermissionDenied as exc:
            return _error(403, str(exc) or _("You may not read this."))

    return wrapper


@api_view
def action_list(request: HttpRequest) -> JsonResponse:
    permissions.require_reader(request.user)
    filterset = selectors.filtered_list(request.GET)
    errors = filterset.form.errors.get_json_data() if filterset.is_bound else {}
    page_size = _page_size(request.GET.get("page_size"), errors)
    if errors:
        return _error(400, _("Some parameters are not valid."), errors=errors)
    # Not keys first: past seven joins (these rows' details) PostgreSQL stops reordering
    # them, and joined every item before keeping the page's keys (280 ms at 100k).
    paginator = filterset.paginator(
        selectors.with_details(filterset.qs), page_size, keys_first=False
    )
    number = filterset.page_number()
    if number > paginator.num_pages:
        return _error(
            404,
            _("There is no page %(number)d: there are %(pages)d.")
            % {"number": number, "pages": paginator.num_pages},
        )
    page = paginator.page(number)
    contacts = permissions.can_see_contact_details(request.user)
    return _json(
        {
            "count": paginator.count,
            "page": number,
            "num_pages": paginator.num_pages,
            "page_size": page_size,
            "next": _page_url(request, number + 1) if page.has_next() else None,
            "previous": _page_url(request, number - 1) if page.has_previous() else None,
            "results": [item_data(request, item, contacts) for item in page.object_list],
        }
    )


@api_view
def action_detail(request: HttpRequest, pk: int) -> JsonResponse:
    item = selectors.get_action_point_for_view(request.user, pk)
    data = item_data(request, item, permissions.can_see_contact_details(request.user))
    data["sub_items"] = [
        {
            "id": sub.pk,
            "url": request.build_absolute_uri(reverse("api_action_detail", args=[sub.pk])),
            "code": sub.code,
            "title": sub.title,
            "status": sub.status,
        }
        for sub in item.sub_items.all()
    ]
    data["journal"] = [
        {
            "time": timezone.localtime(entry.created_at),
            "kind": entry.kind,
            "author": entry.author_name,
            "status_before": entry.status_before,
            "status_after": entry.status_after,
            "note": entry.note,
            # Data responsibility: a redacted note reads "[redacted]"; these say so plainly.
            "redacted": entry.redacted_at is not None,
            "pii_confirmed": entry.pii_confirmed,
            "changes": entry.changes,
            "version": entry.version,
            "meeting": _meeting_url(request, entry.meeting_id),
        }
        for entry in item.updates.all()
    ]
    # Provenance: the meetings that discussed it, its links.
    data["meetings"] = [
        {"url": _meeting_url(request, m.pk), "date": m.date, "forum": m.forum.acronym}
        for m in item.meetings.all()
    ]
    data["resources"] = [
        {"label": r.label, "url": r.url or None, "description": r.description}
        for r in item.resources.all()
    ]
    return _json(data)


def item_data(request: HttpRequest, item: ActionPoint, contacts: bool) -> dict[str, Any]:
    """One action point as the API gives it; ``contacts`` adds the focal points' e-mails."""
    return {
        "id": item.pk,
        "url": request.build_absolute_uri(reverse("api_action_detail", args=[item.pk])),
        "html_url": settings.SITE_URL + item.get_absolute_url(),
        "plan": {"id": item.plan_id, "key": item.plan.key, "title": item.plan.title},
        "area": {"code": item.area.code, "name": item.area.name},
        "code": item.code,
        "parent": item.parent.code if item.parent else None,
        "title": item.title,
        "description": item.description,
        "status": item.status,
        "status_label": item.get_status_display(),
        "due_date": item.due_date,
        "is_overdue": item.is_overdue,
        "lead_organizations": [{"acronym": o.acronym, "name": o.name} for o in item.leads],
        "forum": {"acronym": item.forum.acronym, "name": item.forum.name} if item.forum else None,
        "forum_inferred": item.forum_inferred,
        "agreed": _agreed(request, item),
        "focal_points": [
            {
                "name": p.full_name,
                "organization": p.organization.acronym,
                "sample": p.is_sample,
                **({"email": p.email} if contacts else {}),
            }
            for p in item.focal_points.all()
        ],
        "created_at": timezone.localtime(item.created_at),
        "updated_at": timezone.localtime(item.updated_at),
        "completed_at": timezone.localtime(item.completed_at) if item.completed_at else None,
        "version": item.version,
        # Data responsibility: the item's state includes load_demo's sample data.
        "sample": item.has_sample_data,
    }


def _agreed(request: HttpRequest, item: ActionPoint) -> dict[str, Any] | None:
    """Where and when the item was agreed, and the source's own words."""
    if item.agreed_event:
        at: dict[str, Any] = {"event": item.agreed_event.title}
    elif item.agreed_meeting:
        at = {"meeting": _meeting_url(request, item.agreed_meeting_id)}
    elif not item.agreed_on:
        return None
    else:
        at = {}
    return {**at, "on": item.agreed_on, "as_agreed": item.agreed_text}


def _meeting_url(request: HttpRequest, pk: int | None) -> str | None:
    return request.build_absolute_uri(reverse("meeting_detail", args=[pk])) if pk else None


def _page_size(raw: str | None, errors: dict) -> int:
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    if raw.isdecimal() and 1 <= int(raw) <= MAX_PAGE_SIZE:
        return int(raw)
    errors["page_size"] = [
        {
            "message": _("Give a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE},
            "code": "invalid",
        }
    ]
    return DEFAULT_PAGE_SIZE


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
