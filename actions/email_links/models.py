"""The coordinators' switch for update links in e-mails."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailLinkSettings(models.Model):
    """One row, made the first time a coordinator uses the switch: until then links are on."""

    SINGLETON = 1

    enabled = models.BooleanField(
        _("updates from e-mail links"),
        default=True,
        help_text=_(
            "Each item in a digest links to a page where its lead or focal point can set its "
            "status and add a note without signing in."
        ),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("e-mail link settings")
        verbose_name_plural = _("e-mail link settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="email_links_one_row")]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
