"""A link kept with a plan, an action point or a meeting (exactly one of them)."""

from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participants.models import Organization
from pimtracker.text_limits import bounded

# Only web addresses: a ``javascript:`` or ``data:`` link shown to every reader would run
# in their browser.
web_url = URLValidator(schemes=["http", "https"], message=_("Enter an http:// or https:// link."))


class Resource(models.Model):
    plan = models.ForeignKey(
        "actions.ActionPlan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
    )
    action_point = models.ForeignKey(
        "actions.ActionPoint",
        verbose_name=_("action point"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
    )
    meeting = models.ForeignKey(
        "actions.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="links",
    )
    # Blank for a source the report names without a link (footnote 2's initiatives).
    url = models.URLField(_("link"), max_length=500, blank=True, validators=[web_url])
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True, **bounded(2_000))
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organisations"), blank=True, related_name="resources"
    )
    # Which plan-file entry made it, so that importing again updates it; "" for links
    # added in the site.
    key = models.SlugField(_("key"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(plan__isnull=False, action_point__isnull=True, meeting__isnull=True)
                    | Q(plan__isnull=True, action_point__isnull=False, meeting__isnull=True)
                    | Q(plan__isnull=True, action_point__isnull=True, meeting__isnull=False)
                ),
                name="resource_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.label
