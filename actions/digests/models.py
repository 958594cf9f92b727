"""The delivery ledger: one row per person per week, which makes sending exactly-once."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Person


class DigestKind(models.TextChoices):
    CORE_GROUP = "core_group", _("Whole-plan digest (core group)")
    PARTNER = "partner", _("Own items (focal point or organisation contact)")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")
    # Handed to the server, whose reply was lost: it may have gone out. Never sent again
    # by itself; a coordinator decides, from the delivery log.
    UNCERTAIN = "uncertain", _("Maybe sent")


class DigestDelivery(models.Model):
    """One digest for one person for one week: the ledger that makes sending exactly-once."""

    Kind = DigestKind

    State = DeliveryState

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    period = models.DateField(_("week"), help_text=_("Monday of the ISO week."))
    status = models.CharField(_("status"), max_length=12, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # After a temporary failure: no claim (a sweep, a rerun) takes the row before this.
    retry_after = models.DateTimeField(_("retry after"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-period", "person__last_name"]
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            # One digest per person per week whatever their roles: the kind is chosen
            # (core group first) when the row is created, and no second row can follow.
            models.UniqueConstraint(
                fields=["person", "period"], name="digest_delivery_once_per_week"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DigestKind.values), name="digest_delivery_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryState.values),
                name="digest_delivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "period"], name="digest_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} {self.get_kind_display()} {self.period}"
