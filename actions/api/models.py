"""API tokens: keys to the read-only API."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A key to the read-only API, acting with its user's role and permissions.

    Only the SHA-256 of the key is kept: the key itself is shown once, when it is issued
    (``actions.api.tokens.issue_token``), and cannot be read back. A revoked token stays
    listed, so that who had access, and when it was last used, remains on record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What it is for, e.g. “Power BI dashboard”.")
    )
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    # A forgotten token in a pipeline stops working on its own (API_TOKEN_DAYS).
    expires_at = models.DateTimeField(_("expires"), default=default_expiry, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
