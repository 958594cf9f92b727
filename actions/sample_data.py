"""Sample data: whether any is loaded, and taking it out again (``load_demo --remove``).

What ``remove_sample_data`` guarantees: afterwards the plan is as a plain ``import_plan``
left it. Each item given sample progress gets back the status, due date, focal points and
version it had before, and its sample journal row is deleted (the journal's triggers allow
deleting rows marked ``is_sample`` and no others, migration 0013); the demo accounts, their
people, memberships and tokens, and the demo donor organisation go. An item someone really
worked on after its sample progress is left as it is and named, since undoing the sample
would undo their work too.

Like the synthetic benchmark data (``actions.synthetic``), this writes items directly, not
through ``services.change_action_point``: it removes journal rows instead of adding one, so
that nothing of the sample is left, the "undo" included.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef

from participants.models import Membership, Organization, Person

from .models import ActionPoint, ActionUpdate, Status


@dataclass
class Removal:
    restored: list[str] = field(default_factory=list)  # codes of the items put back
    kept: list[str] = field(default_factory=list)  # worked on since: left as they are
    people: int = 0
    accounts: int = 0


def sample_rows() -> "Exists":
    """Per action point (``OuterRef("pk")``): whether its journal has sample rows, i.e.
    whether what the item shows now includes sample progress."""
    return Exists(ActionUpdate.objects.filter(action_point=OuterRef("pk"), is_sample=True))


def sample_data_loaded() -> bool:
    return (
        ActionUpdate.objects.filter(is_sample=True).exists()
        or Person.objects.filter(is_sample=True).exists()
    )


def remove_sample_data(*, demo_usernames: list[str], demo_organization: str) -> Removal:
    """Take out every sample journal row, the items' sample state, the demo accounts and
    their people, in one transaction. See the module docstring for what is guaranteed."""
    result = Removal()
    with transaction.atomic():
        rows = (
            ActionUpdate.objects.filter(is_sample=True)
            .select_related("action_point")
            .order_by("-created_at", "-id")
        )
        for row in rows:
            if _restore(row):
                result.restored.append(row.action_point.code)
            else:
                result.kept.append(row.action_point.code)
        # A demo person still focal point of a kept item, or named in the access log,
        # stays: deleting them would change the item, or the log, behind their records.
        people = (
            Person.objects.filter(is_sample=True)
            .exclude(focal_action_points__code__in=result.kept)
            .exclude(access_changes__isnull=False)
        )
        Membership.objects.filter(person__in=people).delete()
        accounts = User.objects.filter(person__in=people, username__in=demo_usernames)
        result.accounts = len(accounts)
        user_ids = list(accounts.values_list("pk", flat=True))
        result.people, _ = people.delete()
        # Journal rows they wrote for real keep their name (``author_name``); the account goes.
        User.objects.filter(pk__in=user_ids).delete()
        Organization.objects.filter(
            acronym=demo_organization, people__isnull=True, led_action_points__isnull=True
        ).delete()
    result.restored.sort()
    result.kept.sort()
    return result


def _restore(row: ActionUpdate) -> bool:
    item = ActionPoint.objects.select_for_update().get(pk=row.action_point_id)
    if item.version != row.version or set(row.changes) - {"due_date", "focal_points"}:
        return False  # worked on since, or more than the demo ever changes
    before = {name: values[0] for name, values in row.changes.items()}
    previous = (
        ActionUpdate.objects.filter(action_point=item, version__lt=row.version)
        .order_by("-version", "-id")
        .first()
    )
    status = row.status_before or item.status
    fields = {
        "status": status,
        "version": row.version - 1,
        "completed_at": previous.created_at if status == Status.DONE and previous else None,
        "updated_at": previous.created_at if previous else item.created_at,
    }
    if "due_date" in before:
        due = before["due_date"]
        fields["due_date"] = datetime.date.fromisoformat(due) if due else None
    ActionPoint.objects.filter(pk=item.pk).update(**fields)
    if "focal_points" in row.changes:
        if before["focal_points"]:  # the demo only gives focal points to items without
            return False
        item.focal_points.clear()
    ActionUpdate.objects.filter(pk=row.pk).delete()
    return True
