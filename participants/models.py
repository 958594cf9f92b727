"""Who takes part: organisations, coordination forums, people, and their roles.

Personal data is kept to staff contact details (an optional work e-mail and job title);
nothing here describes affected people.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pimtracker.text_limits import bounded


class OrganizationKind(models.TextChoices):
    UN_AGENCY = "un_agency", _("UN agency")
    INTERNATIONAL_NGO = "international_ngo", _("International NGO")
    NATIONAL_NGO = "national_ngo", _("National NGO")
    AUTHORITY = "authority", _("Authority")
    DONOR = "donor", _("Donor")
    OTHER = "other", _("Other")


class Organization(models.Model):
    Kind = OrganizationKind

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values),
                name="organization_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.acronym if self.acronym == self.name else f"{self.acronym} ({self.name})"


class ForumKind(models.TextChoices):
    CLUSTER = "cluster", _("Cluster")
    AREA_OF_RESPONSIBILITY = "area_of_responsibility", _("Area of responsibility")
    WORKING_GROUP = "working_group", _("Working group")


class Forum(models.Model):
    """A coordination body: the cluster, an area of responsibility, a working group."""

    Kind = ForumKind

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent forum"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ForumKind.values), name="forum_kind_valid"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="forum_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.acronym


class PersonQuerySet(models.QuerySet):
    def active(self) -> "PersonQuerySet":
        return self.filter(is_active=True, left_on__isnull=True)

    def current_staff(self) -> "PersonQuerySet":
        """Active, and confirmed: not known only from an event's list of participants."""
        return self.active().filter(is_confirmed=True)

    def contacts(self) -> "PersonQuerySet":
        """Active organisation contacts: they speak for their organisation's items."""
        return self.active().filter(is_contact=True)


class Person(models.Model):
    """A staff member of an organisation; may be linked to a user account."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    email = models.EmailField(_("work e-mail"), blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    is_active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        help_text=_("When the person left their post; they then get no more digests."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    digest_enabled = models.BooleanField(
        _("weekly digest"),
        default=True,
        help_text=_("Whether the person receives the weekly e-mail digest."),
    )
    # Data responsibility (issue 16): sample people of ``load_demo``; people known only from
    # a report's list of participants, until a coordinator confirms they are current staff;
    # and when a person who left for good was anonymised.
    is_sample = models.BooleanField(_("sample data"), default=False)
    is_confirmed = models.BooleanField(
        _("confirmed as current staff"),
        default=True,
        help_text=_(
            "People known only from an event's list of participants are not, until "
            "a coordinator confirms them."
        ),
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # Organisation contacts and instant notices (issue 15).
    is_contact = models.BooleanField(
        _("organisation contact"),
        default=False,
        help_text=_(
            "This organisation's contact for action plans: gets the weekly digest of the "
            "items the organisation leads, and notices about them."
        ),
    )
    notify_assignment = models.BooleanField(
        _("notice: an item became mine or stopped being mine"), default=True
    )
    notify_change = models.BooleanField(
        _("notice: someone else changed the status or due date of my item"), default=True
    )
    notify_comment = models.BooleanField(_("notice: a comment on my item"), default=True)
    notify_due = models.BooleanField(_("notice: my item falls due in 3 days"), default=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # Unique when set: most people in an imported plan have no e-mail at all.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="person_email_unique_when_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organization.acronym})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class MembershipQuerySet(models.QuerySet):
    def active(self, today: datetime.date | None = None) -> "MembershipQuerySet":
        today = today or timezone.localdate()
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=today),
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            person__is_active=True,
            person__left_on__isnull=True,
        )

    def core_group(
        self, forum_acronym: str = "PWG", today: datetime.date | None = None
    ) -> "MembershipQuerySet":
        """The core group of a forum: its active leads, co-leads and core members."""
        return self.active(today).filter(
            forum__acronym=forum_acronym, role__in=Membership.CORE_ROLES
        )


class MembershipRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_LEAD = "co-lead", _("Co-lead")
    CORE = "core", _("Core member")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    Role = MembershipRole

    CORE_ROLES = (Role.LEAD, Role.CO_LEAD, Role.CORE)

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["forum__acronym", "role", "person__last_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
            # One open-ended membership per role; past ones (with an end date) may repeat.
            models.UniqueConstraint(
                fields=["person", "forum", "role"],
                condition=Q(end_date__isnull=True),
                name="membership_unique_while_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} — {self.forum.acronym} {self.get_role_display()}"


class Event(models.Model):
    """A training or meeting, such as the December 2017 PIM training."""

    key = models.SlugField(
        _("key"), max_length=100, unique=True, help_text=_("Stable identifier used by imports.")
    )
    title = models.CharField(_("title"), max_length=300)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, **bounded())

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date:%Y-%m-%d})"


class ParticipationRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    TRAINER = "trainer", _("Trainer")
    PRESENTER = "presenter", _("Presenter")


class Participation(models.Model):
    Role = ParticipationRole

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="participations"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.PARTICIPANT)

    class Meta:
        ordering = ["event", "role", "person__last_name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["person", "event"], name="participation_unique"),
            models.CheckConstraint(
                condition=Q(role__in=ParticipationRole.values), name="participation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} — {self.get_role_display()}"


class AccessChangeKind(models.TextChoices):
    INVITED = "invited", _("Invited")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_CANCELLED = "invitation_cancelled", _("Invitation cancelled")
    ROLE_CHANGED = "role_changed", _("Role changed")
    DEACTIVATED = "deactivated", _("Deactivated")
    REACTIVATED = "reactivated", _("Reactivated")
    LEFT = "left", _("Left; items handed over")
    # Data responsibility (issue 16)
    CONFIRMED = "confirmed", _("Confirmed as current staff")
    ANONYMISED = "anonymised", _("Anonymised on their request")


class AccessChange(models.Model):
    """One change of someone's access: who did it, when, to whom. Rows are never edited.

    The names are copied as they were, so the log still reads right after an account is
    deleted or a person renamed.
    """

    Kind = AccessChangeKind

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Empty when the change came from the command line (create_coordinator).
    by_name = models.CharField(_("by (name)"), max_length=250, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="access_changes",
    )
    person_name = models.CharField(_("person (name)"), max_length=250)
    kind = models.CharField(_("change"), max_length=30, choices=Kind)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access change")
        verbose_name_plural = _("access changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccessChangeKind.values), name="access_change_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.person_name}"
