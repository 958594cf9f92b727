"""Action plans, their areas and action points, and the journal of every change.

Writes go through ``actions.services``; this module holds the data, its invariants and
the query vocabulary (``ActionPoint.objects.open()``, ``.overdue(today)``).
"""

import datetime
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Event, Forum, Organization, Person
from pimtracker.text_limits import bounded

from .progress import (
    CLOSED_STATUSES,
    Status,
    due_soon_q,
    is_open,
    is_overdue,
    open_q,
    overdue_q,
)
from .provenance import Provenance


class ActionPlan(models.Model):
    key = models.SlugField(
        _("key"), max_length=100, unique=True, help_text=_("Stable identifier used by imports.")
    )
    title = models.CharField(_("title"), max_length=300)
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="plans"
    )
    source_event = models.ForeignKey(
        Event,
        verbose_name=_("source event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, **bounded())

    class Meta:
        ordering = ["title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="plan_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.pk])


class Area(models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="areas"
    )
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="area_code_unique_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.code}) {self.name}"


class LearningOutcome(models.Model):
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="learning_outcomes"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"), **bounded())

    class Meta:
        ordering = ["area", "order"]
        verbose_name = _("learning outcome")
        verbose_name_plural = _("learning outcomes")

    def __str__(self) -> str:
        return self.text[:80]


# The plan's order: area by area, then as the plan lists them. ``area_order`` rather than
# ``area__order`` so that the database reads it from one index instead of sorting every row;
# the primary key last so that pages never overlap on ties.
REPORT_ORDER = ("plan_id", "area_order", "position", "code", "pk")


class ActionPointQuerySet(models.QuerySet):
    def open(self) -> "ActionPointQuerySet":
        return self.filter(open_q())

    def closed(self) -> "ActionPointQuerySet":
        return self.exclude(open_q())

    def overdue(self, today: datetime.date | None = None) -> "ActionPointQuerySet":
        return self.filter(overdue_q(today or timezone.localdate()))

    def due_soon(self, today: datetime.date | None = None) -> "ActionPointQuerySet":
        return self.filter(due_soon_q(today or timezone.localdate()))

    def for_person(self, person: Person) -> "ActionPointQuerySet":
        """Items led by the person's organisation or where they are a focal point."""
        return self._led_or_focal([person.organization_id], [person.pk])

    def for_people(self, people: list[int]) -> "ActionPointQuerySet":
        """``for_person`` for several people at once, by their ids, in one query."""
        organizations = Person.objects.filter(pk__in=people).values("organization")
        return self._led_or_focal(organizations, people)

    def _led_or_focal(
        self, organizations: Iterable[int | None] | models.QuerySet, people: Iterable[int]
    ) -> "ActionPointQuerySet":
        led = self.model.lead_organizations.through.objects.filter(
            organization__in=organizations
        ).values("actionpoint_id")
        focal = self.model.focal_points.through.objects.filter(person__in=people).values(
            "actionpoint_id"
        )
        # One set of ids, read from the two link tables' indexes: "id IN (led) OR id IN
        # (focal)" made PostgreSQL test every item of the plan against both.
        return self.filter(pk__in=led.union(focal))

    def report_order(self) -> "ActionPointQuerySet":
        """Plan order, read from the ``action_point_plan_order`` index rather than sorted."""
        return self.order_by(*REPORT_ORDER)


class ActionPoint(Provenance, models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="action_points"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="action_points"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_items",
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order within the area, as in the plan.")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, **bounded())
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.NOT_STARTED
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    lead_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("lead organisations"),
        blank=True,
        related_name="led_action_points",
    )
    forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
    )
    focal_points = models.ManyToManyField(
        Person, verbose_name=_("focal points"), blank=True, related_name="focal_action_points"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last update"), default=timezone.now, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    # Optimistic locking: a write names the version it read, and is refused if it moved on.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # A copy of the area's order, so that the plan order (REPORT_ORDER) is one index of this
    # table instead of a sort of every row joined to its area. Database triggers keep it
    # right whatever writes the item or the area (migration 0006); what is written here is
    # replaced. The database default serves inserts made outside the ORM.
    area_order = models.PositiveSmallIntegerField(
        _("area order"), default=0, db_default=0, editable=False
    )

    objects = ActionPointQuerySet.as_manager()

    # Not a column: annotated by the selectors (``sample_data.sample_rows``).
    has_sample_data: bool

    class Meta:
        # ``plan_id``, not ``plan`` (which would follow the plan's own ordering, by title):
        # then the default order is the ``action_point_plan_order`` index's.
        ordering = ["plan_id", "area_order", "position", "code"]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="action_point_code_unique"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="action_point_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="action_point_not_own_parent"
            ),
            # Sub-item and area in the same plan are enforced by triggers (migration 0002):
            # a check constraint cannot look at another row.
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_point_status_due"),
            models.Index(fields=["-updated_at"], name="action_point_updated"),
            # The list's area + status filters, and the dashboard's counts per area and per
            # organisation read from this index alone (id included) instead of the table;
            # with the plan order included, a filtered page's keys in any order too
            # (PostgreSQL only: KeysFirstPaginator).
            models.Index(
                fields=["area", "status", "due_date", "id"],
                include=["plan", "area_order", "position", "code"],
                name="action_point_area_status",
            ),
            # Open items by due date: the overdue list and "due soon" stop after a few rows.
            models.Index(
                fields=["due_date", "code", "id"],
                condition=~Q(status__in=CLOSED_STATUSES),
                name="action_point_open_due",
            ),
            # Sorting the list by due date reads the first rows in order instead of sorting
            # them all. (Latest first, NULLS LAST, is a PostgreSQL-only index: migration 0004.)
            models.Index(fields=["due_date"], name="action_point_due"),
            # Plan order (REPORT_ORDER): a page of the list reads its rows in order and stops.
            models.Index(
                fields=["plan", "area_order", "position", "code", "id"],
                name="action_point_plan_order",
            ),
            # The same within one area: the list filtered by an area reads its page in
            # order, instead of walking the plan order past every item of the areas before.
            models.Index(
                fields=["area", "plan", "area_order", "position", "code", "id"],
                name="action_point_area_plan_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("action_detail", args=[self.pk])

    @staticmethod
    def url_for_id() -> Callable[[int], str]:
        """``get_absolute_url`` for any id, reversed once: a reversal per row was a tenth of
        the cost of a table or an export of many rows."""
        any_id = 2_147_483_647  # no other part of the URL could contain it
        head, tail = reverse("action_detail", args=[any_id]).split(str(any_id))
        return lambda pk: f"{head}{pk}{tail}"

    # Where ``leads_as_list`` leaves the lead organisations.
    LISTED_LEADS = "listed_leads"

    @classmethod
    def leads_as_list(cls) -> models.Prefetch:
        """The lead organisations of many rows, as a plain list each (read by ``leads``)."""
        return models.Prefetch("lead_organizations", to_attr=cls.LISTED_LEADS)

    @property
    def leads(self) -> list[Organization]:
        """The lead organisations: the list a row query prefetched when it did, otherwise
        through the relation (prefetched or read now). Django's own prefetch builds a
        queryset for each item, which was most of the cost of a long table's leads."""
        listed = self.__dict__.get(self.LISTED_LEADS)
        if listed is not None:
            return listed
        return list(self.lead_organizations.all())

    @property
    def is_open(self) -> bool:
        return is_open(self.status)

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.status, self.due_date, timezone.localdate())

    def clean(self) -> None:
        errors = {}
        if self.area_id and self.plan_id and self.area.plan_id != self.plan_id:
            errors["area"] = _("The area must belong to the item's plan.")
        if self.parent is not None:
            if self.parent.plan_id != self.plan_id:
                errors["parent"] = _("A sub-item's parent must belong to the same plan.")
            elif self.parent.parent_id:
                errors["parent"] = _("Sub-items cannot have sub-items of their own.")
            elif self.pk and self.parent_id == self.pk:
                errors["parent"] = _("An item cannot be its own parent.")
        if errors:
            raise ValidationError(errors)


# The journal of every change, in its own module; imported here, as the features' models.
# Models of the feature packages, defined beside the code that uses them and imported here
# because Django registers an app's models from its ``models`` module.
from .api.models import ApiToken  # noqa: E402
from .calendar_feed.models import CalendarFeed  # noqa: E402
from .derived import ProgressOpenDueCount, ProgressStatusCount, SearchDocument  # noqa: E402
from .digests.models import DeliveryState, DigestDelivery, DigestKind  # noqa: E402
from .email_links.models import EmailLinkSettings  # noqa: E402
from .glossary.models import GlossaryTerm, TermStatus  # noqa: E402
from .journal import ActionUpdate, UpdateKind, UpdateVia  # noqa: E402
from .meetings.models import Meeting  # noqa: E402
from .notices.models import Notice, NoticeDelivery  # noqa: E402
from .resources.models import Resource, web_url  # noqa: E402
from .saved_views.models import SavedView  # noqa: E402
from .spreadsheets.models import ImportRun, ImportState  # noqa: E402  (background imports)

__all__ = [
    "REPORT_ORDER",
    "ActionPlan",
    "ActionPoint",
    "ActionUpdate",
    "ApiToken",
    "Area",
    "CalendarFeed",
    "DeliveryState",
    "DigestDelivery",
    "DigestKind",
    "EmailLinkSettings",
    "GlossaryTerm",
    "ImportRun",
    "ImportState",
    "LearningOutcome",
    "Meeting",
    "Notice",
    "NoticeDelivery",
    "ProgressOpenDueCount",
    "ProgressStatusCount",
    "Resource",
    "SavedView",
    "SearchDocument",
    "Status",
    "TermStatus",
    "UpdateKind",
    "UpdateVia",
    "web_url",
]
