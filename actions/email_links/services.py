"""The writes of this feature: the coordinators' switch, and an update made from a link."""

from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.utils import timezone

from actions import services
from actions.models import ActionPoint, ActionUpdate, EmailLinkSettings, UpdateVia
from participants.models import Person


def set_links_enabled(*, enabled: bool, by: AuthUser) -> None:
    """Switch update links on or off, for every e-mail sent from now and every link already
    sent (the page asks on each use)."""
    with transaction.atomic():
        EmailLinkSettings.objects.update_or_create(
            pk=EmailLinkSettings.SINGLETON,
            defaults={"enabled": enabled, "changed_at": timezone.now(), "changed_by": by},
        )


def update_from_link(
    *,
    person: Person,
    item: ActionPoint,
    status: str,
    note: str,
    expected_version: int,
    pii_confirmed: bool = False,
) -> ActionUpdate:
    """``services.change_action_point`` on behalf of the link's person, journaled as made
    from an e-mail link. The caller has checked ``permissions.person_may_update``."""
    return services.change_action_point(
        action_point=item,
        by=person.user,
        expected_version=expected_version,
        status=status,
        note=note,
        pii_confirmed=pii_confirmed,
        via=UpdateVia.EMAIL_LINK,
        author_name=person.full_name,
    )
