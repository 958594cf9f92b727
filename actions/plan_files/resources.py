"""The links of a plan file (``[[resources]]``), imported as resources of the plan or of
one of its action points. Matched by ``key`` within the plan, so that importing again
updates and never duplicates; a link added in the site (no key) is left alone."""

from typing import Any

from django.db.models import Q

from actions.models import ActionPlan, ActionPoint, Resource
from participants.models import Organization

from .entries import ResourceEntry

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def import_resources(
    plan: ActionPlan, entries: tuple[ResourceEntry, ...], orgs: dict[str, Organization]
) -> list[str]:
    """Create or update each entry; return the outcome of each, in file order."""
    items = {i.code: i for i in ActionPoint.objects.filter(plan=plan).only("pk", "code")}
    present = {
        r.key: r
        for r in Resource.objects.filter(Q(plan=plan) | Q(action_point__plan=plan))
        .exclude(key="")
        .prefetch_related("organizations")
    }
    outcomes = []
    for order, e in enumerate(entries, start=1):
        item = items[e.action_point] if e.action_point else None
        values: dict[str, Any] = {
            "plan_id": None if item else plan.pk,
            "action_point_id": item.pk if item else None,
            "meeting_id": None,
            "url": e.url,
            "label": e.label,
            "description": e.description,
            "order": order,
        }
        wanted_orgs = {orgs[a].pk for a in e.organizations}
        resource = present.get(e.key)
        if resource is None:
            resource = Resource(key=e.key, **values)
            resource.full_clean()
            resource.save()
            resource.organizations.set(wanted_orgs)
            outcomes.append(CREATED)
            continue
        changed = [name for name, value in values.items() if getattr(resource, name) != value]
        for name in changed:
            setattr(resource, name, values[name])
        if changed:
            resource.full_clean()
            resource.save(update_fields=changed)
        if {o.pk for o in resource.organizations.all()} != wanted_orgs:
            resource.organizations.set(wanted_orgs)
            changed.append("organizations")
        outcomes.append(UPDATED if changed else UNCHANGED)
    return outcomes
