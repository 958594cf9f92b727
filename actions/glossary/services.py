"""Writes to the glossary. Coordinators only: the views check it before calling these."""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from participants.models import Forum

from .models import GlossaryTerm, TermStatus


@transaction.atomic
def save_term(
    *,
    by: User | AnonymousUser,
    term: GlossaryTerm | None = None,
    english: str,
    arabic: str,
    definition_en: str = "",
    definition_ar: str = "",
    source: str = "",
    status: str = TermStatus.PROPOSED,
    agreed_by: Forum | None = None,
    agreed_on: datetime.date | None = None,
) -> GlossaryTerm:
    """Create a term (``term`` None) or change one, recording who wrote it last.

    A proposed term keeps no forum or date of agreement, so that sending an agreed term
    back to "proposed" cannot leave a stale claim of agreement behind. Raises
    ``IntegrityError`` for an English term already in the glossary, or an agreed term
    without its forum and day (the model's constraints).
    """
    if status == TermStatus.PROPOSED:
        agreed_by, agreed_on = None, None
    term = term or GlossaryTerm()
    term.english = english.strip()
    term.arabic = arabic.strip()
    term.definition_en = definition_en.strip()
    term.definition_ar = definition_ar.strip()
    term.source = source.strip()
    term.status = status
    term.agreed_by = agreed_by
    term.agreed_on = agreed_on
    # The views let only signed-in coordinators here; the type is the request's.
    term.updated_by = by if isinstance(by, User) else None
    term.save()
    return term
