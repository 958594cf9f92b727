"""Where an action point comes from: the event or meeting that agreed it, when, and the
source's own words. Plan files and meetings set these; the edit form does not."""

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Event
from pimtracker.text_limits import bounded

if TYPE_CHECKING:
    from .meetings.models import Meeting

# The fields ``services.change_action_point`` may set besides the editable ones.
PROVENANCE_FIELDS = ("agreed_event", "agreed_meeting", "agreed_on", "agreed_text", "forum_inferred")


class Provenance(models.Model):
    agreed_event = models.ForeignKey(
        Event,
        verbose_name=_("agreed at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreed_action_points",
    )
    agreed_meeting = models.ForeignKey(
        "actions.Meeting",
        verbose_name=_("agreed at meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreed_action_points",
    )
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    # Database defaults too: rows inserted outside the ORM (synthetic data) have none.
    agreed_text = models.TextField(
        _("as agreed"),
        blank=True,
        default="",
        db_default="",
        help_text=_("The source's own words, kept as agreed."),
        **bounded(),
    )
    forum_inferred = models.BooleanField(
        _("forum inferred"),
        default=False,
        db_default=False,
        help_text=_("The source does not name the forum."),
    )
    created_at: datetime.datetime

    class Meta:
        abstract = True

    @property
    def agreed_at(self) -> "Event | Meeting | None":
        return self.agreed_event or self.agreed_meeting

    def is_new_since(self, day: datetime.date) -> bool:
        """Agreed (or, when nobody recorded that, created) on ``day`` or later: an item
        imported today from a 2017 plan is not new."""
        return (self.agreed_on or timezone.localdate(self.created_at)) >= day
