"""A meeting of a forum that followed the plan up. Decisions are journal rows
(``ActionUpdate.meeting``) written through ``actions.services``; the items it discussed
are ``Meeting.items``."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Forum, Organization
from pimtracker.text_limits import bounded


class Meeting(models.Model):
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField(_("date"), db_index=True)
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organisations present"), blank=True, related_name="+"
    )
    record = models.TextField(
        _("record"),
        blank=True,
        help_text=_("A short record: what was discussed and agreed."),
        **bounded(),
    )
    items = models.ManyToManyField(
        "actions.ActionPoint",
        verbose_name=_("action points discussed"),
        blank=True,
        related_name="meetings",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return _("%(forum)s meeting, %(date)s") % {
            "forum": self.forum.acronym,
            "date": formats.date_format(self.date, "j F Y"),
        }

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])
