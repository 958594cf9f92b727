"""Redacting a journal note: the one change of a journal row's text the database allows
(migration 0013), recorded on the row itself: who, when and why."""

from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.utils import timezone

from actions.models import ActionUpdate
from actions.selectors import display_name

# Stored in place of the note, so that every reader of the journal (pages, digests, the
# API, exports) shows the same thing; the triggers accept this text and no other.
REDACTED_NOTE = "[redacted]"
REASON_MAX_LENGTH = 500


class AlreadyRedacted(Exception):
    """The note was redacted before; the first redaction's record stays."""


def redact_note(*, entry: ActionUpdate, by: AuthUser, reason: str) -> ActionUpdate:
    """Replace ``entry``'s note with ``REDACTED_NOTE`` and record who did it, when and why,
    in one UPDATE of that row only. Raises ``AlreadyRedacted`` if someone was first."""
    reason = " ".join(reason.split())[:REASON_MAX_LENGTH]
    if not reason:
        raise ValueError("a redaction needs a reason")
    now = timezone.now()
    with transaction.atomic():
        done = ActionUpdate.objects.filter(pk=entry.pk, redacted_at__isnull=True).update(
            note=REDACTED_NOTE,
            redacted_at=now,
            redacted_by_name=display_name(by) or by.get_username(),
            redaction_reason=reason,
        )
    if not done:
        raise AlreadyRedacted()
    return ActionUpdate.objects.get(pk=entry.pk)
