"""The joint update: a plan's progress, what changed in a period, what is overdue and what
comes next, laid out to be printed (A4) and sent as the cluster's regular update (action
C-4 of the 2017 plan: "issue regular joint updates on behalf of the Protection Cluster").

Statuses, overdue and next steps are as of today; "what changed" is the journal of the
chosen period (the last 30 days unless chosen), in site time. Six queries whatever the
size of the plan: areas, items, their leads, the period's journal with its authors, and the
period's meetings.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from pimtracker.security.names import display_name

from . import permissions, selectors
from .forms import PeriodForm
from .models import ActionPlan, ActionPoint, ActionUpdate, Area, Meeting, Status
from .progress import StatusCounts, counts_of_items

NEXT_STEPS_DAYS = 30


@dataclass
class ItemChanges:
    item: ActionPoint
    entries: list[ActionUpdate]  # oldest first, its creation left out
    is_new: bool  # added to the plan in the period


@dataclass
class AreaUpdate:
    area: Area
    counts: StatusCounts
    changed: list[ItemChanges]
    added: list[ActionPoint]  # added in the period and not changed since: one line says it

    @property
    def moved(self) -> int:
        return len(self.changed) + len(self.added)


@dataclass
class JointUpdate:
    plan: ActionPlan
    start: datetime.date
    end: datetime.date
    today: datetime.date
    totals: StatusCounts
    areas: list[AreaUpdate]
    completed: list[ActionPoint]
    created: list[ActionPoint]
    overdue: list[ActionPoint]
    coming_due: list[ActionPoint]  # open and due by ``next_steps_until``, overdue apart
    blocked: list[ActionPoint]
    entry_count: int
    meetings: list[Meeting]  # of the period, about the plan or held by its forums

    @property
    def changed_count(self) -> int:
        return sum(a.moved for a in self.areas)

    @property
    def next_steps_until(self) -> datetime.date:
        return self.today + datetime.timedelta(days=NEXT_STEPS_DAYS)


def joint_update(
    plan: ActionPlan, start: datetime.date, end: datetime.date, today: datetime.date
) -> JointUpdate:
    """Everything the joint update shows, read in six queries."""
    areas = list(plan.areas.order_by("order", "code"))
    items = list(selectors.action_points_for_list().filter(plan=plan).report_order())
    by_pk = {item.pk: item for item in items}
    entries = selectors.label_journal_entries(
        list(
            ActionUpdate.objects.filter(
                action_point__plan=plan,
                created_at__gte=_midnight(start),
                created_at__lt=_midnight(end + datetime.timedelta(days=1)),
            )
            # Where agreed: an item agreed before the period is not new in it, whenever
            # it was imported.
            .exclude(kind=ActionUpdate.Kind.CREATED, action_point__agreed_on__lt=start)
            .select_related("author__person")
            .order_by("created_at", "id")
        )
    )
    per_item: dict[int, list[ActionUpdate]] = {}
    for item in items:
        item.latest_note = None  # the period's last progress note, for next steps
        item.days_overdue = (today - item.due_date).days if item.is_overdue else 0
    for entry in entries:
        per_item.setdefault(entry.action_point_id, []).append(entry)
        if entry.note:
            by_pk[entry.action_point_id].latest_note = entry
    by_area: dict[int, list[ActionPoint]] = {}
    for item in items:
        by_area.setdefault(item.area_id, []).append(item)
    sections = []
    for area in areas:
        changed, added = [], []
        for item in by_area.get(area.pk, []):
            own = per_item.get(item.pk, [])
            later = [e for e in own if e.kind != ActionUpdate.Kind.CREATED]
            if later:
                changed.append(ItemChanges(item, later, is_new=len(later) < len(own)))
            elif own:
                added.append(item)
        counts = counts_of_items(by_area.get(area.pk, []), today)
        sections.append(AreaUpdate(area, counts, changed, added))
    soon = today + datetime.timedelta(days=NEXT_STEPS_DAYS)
    return JointUpdate(
        plan=plan,
        start=start,
        end=end,
        today=today,
        totals=counts_of_items(items, today),
        areas=sections,
        completed=_distinct(
            by_pk[e.action_point_id]
            for e in entries
            if e.status_after == Status.DONE and e.status_before != Status.DONE
        ),
        created=_distinct(
            by_pk[e.action_point_id] for e in entries if e.kind == ActionUpdate.Kind.CREATED
        ),
        overdue=sorted((i for i in items if i.is_overdue), key=lambda i: (i.due_date, i.code)),
        coming_due=sorted(
            (i for i in items if i.is_open and i.due_date and today <= i.due_date <= soon),
            key=lambda i: (i.due_date, i.code),
        ),
        blocked=[i for i in items if i.status == Status.BLOCKED],
        entry_count=len(entries),
        meetings=_meetings(plan, start, end),
    )


def _meetings(plan: ActionPlan, start: datetime.date, end: datetime.date) -> list[Meeting]:
    about_plan = Meeting.objects.filter(items__plan=plan).values("pk")
    return list(
        Meeting.objects.filter(date__gte=start, date__lte=end)
        .filter(Q(pk__in=about_plan) | Q(forum=plan.forum_id) | Q(forum__parent=plan.forum_id))
        .select_related("forum")
        .order_by("date", "id")
    )


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of a day in site time, as an aware moment."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _distinct(items) -> list[ActionPoint]:
    return list({item.pk: item for item in items}.values())


@require_safe
def joint_update_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_view(request.user, pk)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    if not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})  # show the period in use
    report = joint_update(plan, start, end, timezone.localdate())
    person = permissions.person_of(request.user)
    return render(
        request,
        "actions/joint_update.html",
        {
            "report": report,
            "form": form,
            "prepared_by": person.full_name if person else display_name(request.user),
            "issued_at": timezone.localtime(),
            "plan_url": settings.SITE_URL + plan.get_absolute_url(),
            "statuses": Status.choices,
        },
    )
