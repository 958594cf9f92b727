"""A glossary term: one English term, the one Arabic term the cluster uses for it."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from pimtracker.text_limits import bounded

if TYPE_CHECKING:
    from actions.models import ActionPoint

# The action point the glossary answers: A-4 of the shipped 2017 plan, "Standardize words
# (especially in Arabic)". Found by the plan's key and the code, as the plan file gives
# them, not by the title, which coordinators may reword.
GLOSSARY_ACTION_POINT = ("libya-pim-2017", "A-4")


def is_glossary_action_point(item: "ActionPoint") -> bool:
    return (item.plan.key, item.code) == GLOSSARY_ACTION_POINT


class TermStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")


class GlossaryTerm(models.Model):
    """A term of the cluster's glossary, proposed until a forum agrees it.

    An agreed term names the forum that agreed it and the day: the database refuses an
    "agreed" row without them, so the glossary never claims an agreement nobody made.
    """

    Status = TermStatus

    english = models.CharField(_("English term"), max_length=200)
    arabic = models.CharField(_("Arabic term"), max_length=200)
    definition_en = models.TextField(_("definition in English"), blank=True, **bounded())
    definition_ar = models.TextField(_("definition in Arabic"), blank=True, **bounded())
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the term comes from, e.g. “PIM training 2017” or “IASC”."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TermStatus, default=TermStatus.PROPOSED
    )
    agreed_by = models.ForeignKey(
        "participants.Forum",
        verbose_name=_("agreed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last update"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = [Lower("english")]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        constraints = [
            # One entry per English term, whatever its capitals: two would defeat the point.
            models.UniqueConstraint(
                Lower("english"),
                name="glossary_english_unique",
                violation_error_message=_("The glossary already has this term."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=TermStatus.values), name="glossary_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=TermStatus.PROPOSED)
                | Q(agreed_by__isnull=False, agreed_on__isnull=False),
                name="glossary_agreed_says_by_whom_and_when",
                violation_error_message=_(
                    "An agreed term needs the forum that agreed it and the day."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.english} — {self.arabic}"
