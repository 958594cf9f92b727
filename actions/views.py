"""Pages everyone with a role reads, and the status update partners make.

Each view starts with one permission-checked fetch (``selectors.get_*_for_*`` or
``permissions.require_*``), then hands the template everything it shows.
Coordinators' forms live in ``coordinator_views``.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from participants.models import Person
from participants.selectors import event_people
from pimtracker.drafts import keeps_draft, post_only, take_draft

from . import comments, dashboard, filters, permissions, selectors, services
from .forms import CommentForm, UpdateForm
from .glossary.models import is_glossary_action_point
from .models import ActionPoint, Status
from .progress import CLOSED_STATUSES, OPEN_STATUSES
from .saved_views.services import list_query, views_of
from .sign_in import take_fresh_sign_in

PAGE_SIZE = 50


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    role = permissions.require_reader(request.user)
    if take_fresh_sign_in(request) and role == permissions.Role.PARTNER:
        return redirect("my_items")
    board = dashboard.dashboard(timezone.localdate())
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
    choices = filters.filter_choices()
    filterset = selectors.filtered_list(request.GET, choices=choices)
    page = None
    last_page = None
    if not filterset.is_bound or filterset.is_valid():
        paginator = filterset.paginator(selectors.as_table_rows(filterset.qs), PAGE_SIZE)
        number = filterset.page_number()
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
            "form_key": filterset.form_key(),
            "choices": choices,
            "page": page,
            "items": page.object_list if page else [],
            "out_of_range": last_page is not None,
            "last_page": last_page,
            "can_bulk": permissions.can_edit(request.user),
            "statuses": Status.choices,
            # Saved views: the account's own, and the filters a new one would keep
            "saved_views": list(views_of(request.user)),
            "current_query": list_query(request.GET.urlencode()),
        },
    )


def _detail_context(
    request: HttpRequest,
    item: ActionPoint,
    form: UpdateForm | None = None,
    comment_form: CommentForm | None = None,
) -> dict:
    may_update = permissions.can_update(request.user, item)
    may_comment = permissions.can_comment(request.user)
    if (may_update or may_comment) and form is None and comment_form is None:
        # A draft of either form of the page: a comment's has its "text".
        draft = take_draft(request, item.get_absolute_url())
        if draft is not None and "text" in draft:
            comment_form = CommentForm(draft) if may_comment else None
        elif draft is not None:
            form = UpdateForm(draft)
    fresh_update_form = may_update and form is None
    if fresh_update_form:
        form = UpdateForm(initial={"status": item.status, "version": item.version})
    return {
        "item": item,
        "journal": list(item.updates.all()),
        "sub_items": list(item.sub_items.all()),
        "leads": item.leads,
        "focal_points": list(item.focal_points.all()),
        "can_update": may_update,
        "can_edit": permissions.can_edit(request.user),
        "show_contacts": permissions.can_see_contact_details(request.user),
        "form": form if may_update else None,
        "links_glossary": is_glossary_action_point(item),
        "meetings": list(item.meetings.all()),
        "resources": list(item.resources.all()),
        "comment_form": (comment_form or CommentForm()) if may_comment else None,
        # Forms as a fresh page draws them, whose fields the template keeps.
        "fresh_update_form": fresh_update_form,
        "fresh_comment_form": may_comment and comment_form is None,
    }


@require_safe
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_action_point_for_view(request.user, pk)
    return render(request, "actions/action_detail.html", _detail_context(request, item))


def _item_page(pk: int) -> str:
    return reverse("action_detail", args=[pk])


@keeps_draft(_item_page)
@post_only(_item_page)
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
                pii_confirmed=data["pii_confirmed"],
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


@keeps_draft(_item_page)
@post_only(_item_page)
def action_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment from any partner or coordinator, on any item they can read."""
    permissions.require_comment(request.user)
    item = selectors.get_action_point_for_view(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comments.add_comment(
                action_point=item,
                by=request.user,
                text=form.cleaned_data["text"],
                pii_confirmed=form.cleaned_data["pii_confirmed"],
            )
        except comments.EmptyComment:
            form.add_error("text", _("Write something to comment."))
        else:
            messages.success(
                request, _("Your comment on %(code)s is in its journal.") % {"code": item.code}
            )
            return redirect(f"{item.get_absolute_url()}#journal")
    context = _detail_context(request, item, comment_form=form)
    return render(request, "actions/action_detail.html", context, status=400)


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
            "sections": _my_items_sections(person, groups, today) if person and groups else [],
        },
    )


@dataclass
class MyItemsSection:
    """A group of "My items" as the page shows it, with a link to the list for the rest."""

    key: str
    title: str
    group: selectors.ItemGroup
    list_url: str = ""
    list_text: str = ""
    # What the linked list leaves out, when some of the group's items are not led by the
    # person's organisation: the list filters by lead organisation, not by focal point.
    left_out: str = ""


def _my_items_sections(
    person: Person, groups: selectors.MyItems, today: datetime.date
) -> list[MyItemsSection]:
    org = person.organization.acronym
    soon = {"start": today.isoformat(), "end": groups.due_soon_until.isoformat()}
    open_statuses = [s.value for s in OPEN_STATUSES]
    sections = [
        MyItemsSection("overdue", _("Overdue"), groups.overdue),
        MyItemsSection("due-soon", _("Due in the next 14 days"), groups.due_soon),
        MyItemsSection("open", _("Open"), groups.open),
        MyItemsSection("closed", _("Closed"), groups.closed),
    ]
    # Each link goes to the list filtered as closely as it can be, and says what it shows:
    # the items the organisation leads, and for "Open" the overdue and due soon ones too
    # (the list cannot leave them out without also leaving out items with no due date).
    links: dict[str, tuple[dict[str, Any], int, str]] = {
        "overdue": (
            {"overdue": "1", "sort": "due_date"},
            groups.overdue.led,
            ngettext(
                "Show the %(count)s overdue item led by %(org)s in the action point list",
                "Show all %(count)s overdue items led by %(org)s in the action point list",
                groups.overdue.led,
            ),
        ),
        "due-soon": (
            {
                "status": open_statuses,
                "due_after": soon["start"],
                "due_before": soon["end"],
                "sort": "due_date",
            },
            groups.due_soon.led,
            ngettext(
                "Show the %(count)s open item led by %(org)s due from %(start)s to %(end)s "
                "in the action point list",
                "Show all %(count)s open items led by %(org)s due from %(start)s to %(end)s "
                "in the action point list",
                groups.due_soon.led,
            ),
        ),
        "open": (
            {"status": open_statuses},
            groups.led_open,
            ngettext(
                "Show the %(count)s open item led by %(org)s, overdue and due soon included, "
                "in the action point list",
                "Show all %(count)s open items led by %(org)s, overdue and due soon included, "
                "in the action point list",
                groups.led_open,
            ),
        ),
        "closed": (
            {"status": [s.value for s in CLOSED_STATUSES]},
            groups.closed.led,
            ngettext(
                "Show the %(count)s closed item led by %(org)s in the action point list",
                "Show all %(count)s closed items led by %(org)s in the action point list",
                groups.closed.led,
            ),
        ),
    }
    for section in sections:
        if not section.group.more:
            continue
        params, count, text = links[section.key]
        if count:
            query = urlencode({"organization": org, **params}, doseq=True)
            section.list_url = f"{reverse('action_list')}?{query}"
            section.list_text = text % {"count": count, "org": org, **soon}
        focal_only = section.group.total - section.group.led
        if focal_only:
            section.left_out = ngettext(
                "%(count)s item of this group is yours as a focal point and not led by "
                "%(org)s: the list filters by lead organisation, so it is not there.",
                "%(count)s items of this group are yours as a focal point and not led by "
                "%(org)s: the list filters by lead organisation, so they are not there.",
                focal_only,
            ) % {"count": focal_only, "org": org}
    return sections


@require_safe
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_view(request.user, pk)
    sections = selectors.plan_sections(plan, timezone.localdate())
    return render(
        request,
        "actions/plan_detail.html",
        {
            "plan": plan,
            "sections": sections,
            "statuses": Status.choices,
            # Resources: the plan's links, the report's among them.
            "resources": list(plan.resources.prefetch_related("organizations")),
            "can_edit": permissions.can_edit(request.user),
            "event_people": event_people(plan.source_event),  # data responsibility
        },
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
