"""The secret address of someone's calendar feed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """One secret per account. Kept as is rather than hashed: it opens nothing but a
    read-only list of items, and the settings page shows it again whenever its owner adds
    the calendar to another device. Revoking deletes the row; a new one is another secret.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    secret = models.CharField(_("secret"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
