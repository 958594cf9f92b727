"""The outbox of instant notices and the ledger of their e-mails.

A ``Notice`` is written in the transaction that journals what it tells (services,
comments), so a change that rolls back leaves no notice behind, and a notice cannot be
lost between the change and the e-mail. A ``NoticeDelivery`` gathers a person's waiting
notices into one e-mail and is claimed before sending, as a digest is: exactly once.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Person


class NoticeKind(models.TextChoices):
    BECAME_YOURS = "became_yours", _("Became yours")
    NO_LONGER_YOURS = "no_longer_yours", _("No longer yours")
    CHANGED = "changed", _("Status or due date changed")
    COMMENT = "comment", _("Comment")
    DUE_SOON = "due_soon", _("Falls due in 3 days")


class NoticeState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")
    # The server got the message and its reply was lost: never sent again by itself.
    UNCERTAIN = "uncertain", _("Maybe sent")


class NoticeDelivery(models.Model):
    """One e-mail of notices to one person."""

    State = NoticeState

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notice_deliveries",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=NoticeState, default=NoticeState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notice e-mail")
        verbose_name_plural = _("notice e-mails")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NoticeState.values), name="notice_delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notice_delivery_due"),
            models.Index(fields=["person", "-created_at"], name="notice_delivery_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} {self.created_at:%Y-%m-%d %H:%M}"


class Notice(models.Model):
    """One thing to tell one person about one of their items."""

    Kind = NoticeKind

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="notices"
    )
    action_point = models.ForeignKey(
        "actions.ActionPoint",
        verbose_name=_("action point"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind)
    # The journal row it tells about; none for "falls due in 3 days".
    entry = models.ForeignKey(
        "actions.ActionUpdate",
        verbose_name=_("journal entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivery = models.ForeignKey(
        NoticeDelivery,
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid"
            ),
            # "Falls due in 3 days" once per person, item and due date, however many runs.
            models.UniqueConstraint(
                fields=["person", "action_point", "due_date"],
                condition=Q(kind="due_soon"),
                name="notice_due_soon_once",
            ),
        ]
        indexes = [
            # The run's question: who has notices not yet in an e-mail.
            models.Index(
                fields=["person"], condition=Q(delivery__isnull=True), name="notice_waiting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name}: {self.get_kind_display()}"
