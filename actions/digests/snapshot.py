"""Everything the digests of one run read, loaded once: the items, the journal since the
earliest window, and when each recipient's previous digest was made.

``Snapshot.load`` reads it with a constant number of queries, whatever the number of items
and recipients; ``group_items`` sorts a person's items into what the digest lists.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Max, Prefetch
from django.utils import timezone

from actions.models import ActionPlan, ActionPoint, ActionUpdate, DigestDelivery
from actions.progress import Status, StatusCounts, is_due_soon, is_overdue
from actions.update_links import links_enabled
from participants.models import Organization, Person

# The fields ``content`` reads of an item (``is_new_since``: agreed_on, created_at) and of
# its focal points (``Person.full_name``, whether they left).
ITEM_FIELDS = (
    *("plan_id", "area_id", "code", "title", "status", "due_date", "agreed_on", "created_at"),
    *("plan__title", "area__code", "area__name"),
)
PERSON_FIELDS = ("first_name", "last_name", "is_active", "left_on")
# Where ``Snapshot.load`` leaves each item's focal points, a plain list (as
# ``ActionPoint.leads_as_list`` does the leads): a related manager per item cost more.
LISTED_FOCAL_POINTS = "listed_focal_points"


def focal_points_of(item: ActionPoint) -> list[Person]:
    """The focal points of an item of a snapshot, by last name."""
    return getattr(item, LISTED_FOCAL_POINTS)


FIRST_WINDOW = datetime.timedelta(days=7)  # "what changed" for someone's first digest
LONGEST_WINDOW = datetime.timedelta(days=28)  # ... and at most, after a long pause


@dataclass
class AreaProgress(StatusCounts):
    """An area's items counted as every page counts them, with the area's code and name."""

    code: str = ""
    name: str = ""


@dataclass
class PlanItems:
    """A plan's items in a digest's scope, grouped before any row is built: every item
    counted per area, the open ones split by due date and sorted by it (plan order on
    ties, as the list's ``sort=due_date``)."""

    plan: ActionPlan
    areas: dict[int, AreaProgress] = field(default_factory=dict)
    overdue: list[ActionPoint] = field(default_factory=list)
    due_soon: list[ActionPoint] = field(default_factory=list)
    other_open: list[ActionPoint] = field(default_factory=list)


def group_items(items: Iterable[ActionPoint], today: datetime.date) -> dict[int, PlanItems]:
    """``items`` (in plan order) per plan, in the order of their first item."""
    plans: dict[int, PlanItems] = {}
    for item in items:
        group = plans.get(item.plan_id)
        if group is None:
            group = plans[item.plan_id] = PlanItems(item.plan)
        area = group.areas.get(item.area_id)
        if area is None:
            area = group.areas[item.area_id] = AreaProgress(
                by_status=dict.fromkeys(Status.values, 0), code=item.area.code, name=item.area.name
            )
        area.by_status[item.status] += 1
        if not item.is_open:
            continue
        if is_overdue(item.status, item.due_date, today):
            area.overdue += 1
            group.overdue.append(item)
        elif is_due_soon(item.status, item.due_date, today):
            group.due_soon.append(item)
        else:
            group.other_open.append(item)
    for group in plans.values():
        # Overdue and due soon items have a due date.
        group.overdue.sort(key=lambda item: cast(datetime.date, item.due_date))
        group.due_soon.sort(key=lambda item: cast(datetime.date, item.due_date))
    return plans


@dataclass
class Snapshot:
    """Everything the digests of one run read, loaded with five queries."""

    now: datetime.datetime
    items: dict[int, ActionPoint]  # in plan order, leads and focal points loaded (see load)
    entries: list[ActionUpdate]  # the journal since the earliest window, newest first
    last_sent: dict[int, datetime.datetime]  # person id -> when their previous digest was made
    # Built once per run, so that each digest reads its own items instead of testing every
    # item of the plan for every recipient (that test was most of a digest's cost).
    order: dict[int, int] = field(default_factory=dict)  # item id -> place in plan order
    by_organization: dict[int, set[int]] = field(default_factory=dict)  # lead org -> items
    by_person: dict[int, set[int]] = field(default_factory=dict)  # focal point -> items
    by_item: dict[int, list[ActionUpdate]] = field(default_factory=dict)  # item -> entries
    # The whole plan grouped, per day: the same for every core-group digest of the run.
    _whole_plan: dict[datetime.date, dict[int, PlanItems]] = field(default_factory=dict, repr=False)
    # Update from an e-mail link: whether the digests carry the links, read once per run.
    update_links: bool = False

    @classmethod
    def load(
        cls,
        *,
        period: datetime.date,
        people: Iterable[int],
        now: datetime.datetime | None = None,
        whole_plan: bool = True,
    ) -> "Snapshot":
        """``whole_plan=False`` when none of ``people`` gets the core group's digest: then
        only their own items and those items' journal are read. A batch of 200 partners
        needs a few hundred of the plan's items, not the whole plan."""
        now = now or timezone.now()
        people = list(people)
        # The previous digest's window ended when its row was made (before its content was
        # read), not when it went out: a window ending at sent_at would skip what happened
        # while it was being sent. Overlap is harmless; a gap loses news.
        last_sent = dict(
            DigestDelivery.objects.filter(
                person__in=people, status=DigestDelivery.State.SENT, period__lt=period
            )
            .order_by()
            .values("person")
            .annotate(last=Max("created_at"))
            .values_list("person", "last")
        )
        snapshot = cls(now=now, items={}, entries=[], last_sent=last_sent)
        earliest = min(
            [snapshot.since_for(p) for p in last_sent] + [now - FIRST_WINDOW],
        )
        # What a digest shows of each item, its owners and their names (``content``): a
        # batch reads thousands of these rows, and building whole models was a tenth of
        # its time.
        focal_points = Person.objects.only(*PERSON_FIELDS).order_by("last_name")
        items = (
            ActionPoint.objects.select_related("plan", "area")
            .only(*ITEM_FIELDS)
            .prefetch_related(
                Prefetch(
                    "lead_organizations",
                    Organization.objects.only("acronym"),
                    to_attr=ActionPoint.LISTED_LEADS,
                ),
                Prefetch("focal_points", focal_points, to_attr=LISTED_FOCAL_POINTS),
            )
            .report_order()
        )
        entries = ActionUpdate.objects.filter(created_at__gt=earliest, created_at__lte=now)
        if not whole_plan:
            own = ActionPoint.objects.for_people(people).values("pk")
            items = items.filter(pk__in=own)
            entries = entries.filter(action_point__in=own)
        snapshot.items = {item.pk: item for item in items}
        for place, item in enumerate(snapshot.items.values()):
            snapshot.order[item.pk] = place
            for organization in item.leads:
                snapshot.by_organization.setdefault(organization.pk, set()).add(item.pk)
            for focal in focal_points_of(item):
                snapshot.by_person.setdefault(focal.pk, set()).add(item.pk)
        snapshot.entries = list(
            entries.select_related("author__person").order_by("-created_at", "-id")
        )
        for entry in snapshot.entries:
            snapshot.by_item.setdefault(entry.action_point_id, []).append(entry)
        snapshot.update_links = links_enabled()
        return snapshot

    def own_items(self, person: Person) -> set[int]:
        """``ActionPointQuerySet.for_person`` answered from the loaded items: the ids of
        items led by the person's organisation or with the person as focal point."""
        return self.by_organization.get(person.organization_id, set()) | self.by_person.get(
            person.pk, set()
        )

    def since_for(self, person_id: int) -> datetime.datetime:
        last = self.last_sent.get(person_id)
        return max(last or self.now - FIRST_WINDOW, self.now - LONGEST_WINDOW)

    def whole_plan(self, today: datetime.date) -> dict[int, PlanItems]:
        """Every item grouped, once per run and not once per core-group digest. Shared
        between digests: read it, never change it."""
        if today not in self._whole_plan:
            self._whole_plan[today] = group_items(self.items.values(), today)
        return self._whole_plan[today]
