"""The role groups of DESIGN.md §2 and what coordinators may do in the admin.

Who may do what on the pages is decided in ``actions.permissions``; this module only keeps
the groups' names and gives coordinators the model permissions the admin asks for.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

COORDINATORS = "Coordinators"
VIEWERS = "Viewers"

# Coordinators manage everything in these apps through the admin.
COORDINATOR_APPS = ("participants", "actions")
# The journal and the delivery log are records: coordinators read them, nobody edits them.
READ_ONLY_MODELS = ("actionupdate", "digestdelivery", "accesschange")

# The roles a coordinator gives on /people/, each with the group that carries it; a partner
# is in no group (their person's organisation is what they speak for). The values are
# actions.permissions.Role's.
ROLE_GROUPS: dict[str, str | None] = {
    "coordinator": COORDINATORS,
    "partner": None,
    "viewer": VIEWERS,
}
# How the pages and messages name each role.
ROLE_LABELS = {"coordinator": _("Coordinator"), "partner": _("Partner"), "viewer": _("Viewer")}


def grant_coordinator_permissions(**kwargs: Any) -> None:
    """Give the Coordinators group the admin permissions of the project's apps.

    Runs after every ``migrate`` (permissions of new models exist only then); idempotent.
    """
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=COORDINATORS)
    Group.objects.get_or_create(name=VIEWERS)
    permissions = Permission.objects.filter(content_type__app_label__in=COORDINATOR_APPS)
    for model in READ_ONLY_MODELS:
        permissions = permissions.exclude(
            content_type__model=model, codename__regex=r"^(add|change|delete)_"
        )
    group.permissions.add(*permissions)
