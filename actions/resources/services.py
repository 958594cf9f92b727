"""Writing resources: links checked (http and https only) before they are kept."""

from collections.abc import Iterable

from django.db import transaction

from actions.models import ActionPlan, ActionPoint, Meeting, Resource
from participants.models import Organization

Owner = ActionPlan | ActionPoint | Meeting


def owner_field(owner: Owner) -> str:
    if isinstance(owner, ActionPlan):
        return "plan"
    return "action_point" if isinstance(owner, ActionPoint) else "meeting"


def add_resource(
    *,
    owner: Owner,
    url: str,
    label: str,
    description: str = "",
    organizations: Iterable[Organization] = (),
    key: str = "",
) -> Resource:
    """Keep a link with ``owner``, last in its list. Raises ``ValidationError`` (nothing
    written) for a link that is not http or https."""
    mine = Resource.objects.filter(**{owner_field(owner): owner})
    resource = Resource(
        url=url.strip(),
        label=label.strip(),
        description=description.strip(),
        key=key,
        order=mine.count() + 1,
        **{owner_field(owner): owner},
    )
    resource.full_clean()
    with transaction.atomic():
        resource.save()
        resource.organizations.set(organizations)
    return resource


def remove_resource(resource: Resource) -> None:
    resource.delete()
