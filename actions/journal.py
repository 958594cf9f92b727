"""The journal: one row per change to an action point, written once by
``actions.services`` and never changed (the database's triggers see to it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pimtracker.text_limits import bounded

from .progress import Status


class UpdateKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS_CHANGE = "status_change", _("Status change")
    NOTE = "note", _("Note")
    EDIT = "edit", _("Edit")
    REASSIGNMENT = "reassignment", _("Reassignment")
    # A partner's or coordinator's word on an item: journaled, changes no field (issue 15).
    COMMENT = "comment", _("Comment")


# Update from an e-mail link: where a journal entry was made, when not on the site's pages.
class UpdateVia(models.TextChoices):
    SITE = "", _("on the site")
    EMAIL_LINK = "email_link", _("from an e-mail link")


class ActionUpdate(models.Model):
    """One entry of an action point's journal. Rows are written once and never changed:
    the database refuses to update or delete them (triggers, migrations 0009 and 0013),
    except to clear the author of a deleted account, whose name the row keeps, to redact a
    note, to anonymise an author who left for good, and to remove sample data."""

    Kind = UpdateKind

    action_point = models.ForeignKey(
        "actions.ActionPoint",
        verbose_name=_("action point"),
        # The journal is the record of what happened: it outlives nothing it describes.
        on_delete=models.PROTECT,
        related_name="updates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_updates",
    )
    # The author's name when the entry was written: it stays when their account is deleted.
    author_name = models.CharField(_("author's name"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind)
    status_before = models.CharField(_("status before"), max_length=12, choices=Status, blank=True)
    status_after = models.CharField(_("status after"), max_length=12, choices=Status, blank=True)
    note = models.TextField(_("note"), blank=True, **bounded())
    # Field name -> [before, after] as text, for edits and reassignments.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version after"))
    # Meetings: the meeting whose decision this row records.
    meeting = models.ForeignKey(
        "actions.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    # Data responsibility (issue 16): the journal's only changes, each allowed by the
    # triggers of migration 0013 and nothing else.
    pii_confirmed = models.BooleanField(
        _("personal data confirmed"),
        default=False,
        help_text=_("The text looked like personal data and its writer confirmed it."),
    )
    redacted_at = models.DateTimeField(_("redacted"), null=True, blank=True)
    redacted_by_name = models.CharField(_("redacted by"), max_length=300, blank=True)
    redaction_reason = models.CharField(_("reason for redaction"), max_length=500, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    author_anonymised = models.BooleanField(_("author anonymised"), default=False)
    # Update from an e-mail link: the page of a digest's link, without a session.
    via = models.CharField(_("made"), max_length=12, choices=UpdateVia, blank=True, default="")

    # Not a column: set for the templates by ``selectors.label_journal_entries``.
    change_rows: list[tuple[str, str, str]]

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="action_update_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["action_point", "-created_at"], name="action_update_item_time"),
            # Data responsibility: "is this item's state sample data?" on every list row.
            models.Index(
                fields=["action_point"], condition=Q(is_sample=True), name="action_update_sample"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_point.code} {self.get_kind_display()} {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Journal entries are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Journal entries are immutable.")
