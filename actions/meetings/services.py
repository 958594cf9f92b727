"""Writing meetings and their decisions. A decision that changes an item goes through
``actions.services.change_action_point``: journal row (linked to the meeting), version,
optimistic locking."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.db import transaction

from actions import services
from actions.models import ActionPoint, ActionUpdate
from participants.models import Forum, Organization

from .models import Meeting


def save_meeting(
    *,
    by: services.User,
    meeting: Meeting | None = None,
    forum: Forum,
    date: datetime.date,
    organizations: Iterable[Organization],
    record: str,
    items: Iterable[ActionPoint],
) -> Meeting:
    """Record a meeting, or change one, with who was there and what it discussed."""
    with transaction.atomic():
        if meeting is None:
            meeting = Meeting(recorded_by=by if isinstance(by, AuthUser) else None)
        meeting.forum, meeting.date, meeting.record = forum, date, record.strip()
        meeting.full_clean()
        meeting.save()
        meeting.organizations.set(organizations)
        # Items a decision changed stay discussed, whatever the form now lists.
        decided = ActionPoint.objects.filter(updates__meeting=meeting)
        meeting.items.set({*items, *decided})
    return meeting


def record_decision(
    *,
    meeting: Meeting,
    by: services.User,
    action_point: ActionPoint,
    status: str = "",
    note: str = "",
) -> ActionUpdate:
    """A decision of ``meeting`` about ``action_point``: its journal row names the meeting,
    and the item is listed as discussed there. Raises as ``change_action_point``."""
    changes: dict[str, Any] = {"status": status} if status else {}
    with transaction.atomic():
        entry = services.change_action_point(
            action_point=action_point, by=by, meeting=meeting, note=note, **changes
        )
        meeting.items.add(action_point)
    return entry
