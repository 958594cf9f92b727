"""Comments: a partner's or coordinator's word on any action point they can read.

A comment is a journal row of its own kind (``ActionUpdate.Kind.COMMENT``), written once
like every row, and counted as "changed" by the digests. It changes no field of the item,
so it neither takes the item's lock nor bumps its ``version``: a colleague who opened the
update form before the comment can still save, without an edit conflict over nothing. The
row records the version it was written against.
"""

from django.db import transaction
from django.utils import timezone

from . import personal_data
from .models import ActionPoint, ActionUpdate
from .notices.outbox import after_comment
from .selectors import display_name
from .services import User, _author

COMMENT_MAX_LENGTH = 5000


class EmptyComment(ValueError):
    """Only white space: nothing to say, nothing written."""


def add_comment(
    *, action_point: ActionPoint, by: User, text: str, pii_confirmed: bool = False
) -> ActionUpdate:
    """Journal the comment on the item and collect the notices it causes, in one
    transaction. Raises ``EmptyComment`` (nothing written) for a blank text, and
    ``PersonalDataFound`` for text that looks like personal data unless ``pii_confirmed``,
    which the row then records. Who may comment is the caller's check
    (``permissions.can_comment``)."""
    text = (text or "").strip()
    if not text:
        raise EmptyComment()
    flagged = personal_data.check({"note": text}, confirmed=pii_confirmed)
    author = _author(by)
    with transaction.atomic():
        entry = ActionUpdate.objects.create(
            action_point=action_point,
            author=author,
            author_name=display_name(author),
            created_at=timezone.now(),
            kind=ActionUpdate.Kind.COMMENT,
            status_before=action_point.status,
            status_after=action_point.status,
            note=text[:COMMENT_MAX_LENGTH],
            version=action_point.version,
            pii_confirmed=flagged,
        )
        after_comment(entry, by=author)
    return entry
