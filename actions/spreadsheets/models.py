"""An import confirmed by a coordinator and applied in the background: its progress and
what came of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Applying")
    DONE = "done", _("Applied")
    FAILED = "failed", _("Not applied")


class ImportRun(models.Model):
    """One confirmation of one waiting import. The waiting import's token is unique among
    runs that did not fail, so a second click, a second tab or a second worker cannot apply
    the same import twice; after a failure (nothing applied) it may be confirmed again."""

    State = ImportState

    token = models.CharField(_("import"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    source = models.CharField(_("file"), max_length=255)
    fingerprint = models.CharField(max_length=64)
    seen = models.JSONField(default=dict)  # item id -> the version the preview showed
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.QUEUED)
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    # What was applied ({"created": [...codes], "updated": [...], "organizations": [...]}),
    # or why nothing was ({"reason": ..., and what the reason names}).
    outcome = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("confirmed"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        constraints = [
            models.UniqueConstraint(
                fields=["token"], condition=~Q(state="failed"), name="import_run_once"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values), name="import_run_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class PendingImport(models.Model):
    """A parsed spreadsheet waiting for its coordinator's confirmation (pending.py): in the
    database, not on one server's disk, so that the preview, the confirmation and the
    worker that applies it may each run on another host."""

    token = models.CharField(max_length=64, primary_key=True)
    # Signed and compressed by the site itself, never typed; bounded by the upload limit.
    payload = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"import waiting since {self.created_at:%Y-%m-%d %H:%M}"
