"""Every write to people and their access goes through this module.

Each service is one transaction and records what it did as an ``AccessChange`` row in the
same transaction; e-mails leave only after the commit. A refusal raises ``AccessError``
with a message for the coordinator, and nothing is written.

The links and e-mails of invitations are in ``invitations``.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pimtracker.security.names import display_name

from .invitations import send_invitation
from .models import AccessChange, Organization, Person
from .roles import ROLE_GROUPS, ROLE_LABELS

User = AuthUser | AnonymousUser | None


class AccessError(Exception):
    """A change that cannot be made, with a message to show; nothing was written."""


def role_of_person(person: Person) -> str | None:
    """coordinator, partner or viewer as the person's account says; None without one.

    Reads the groups through ``.all()``, so a person listed with prefetched groups costs
    no query.
    """
    account = person.user
    if account is None:
        return None
    if account.is_superuser:
        return "coordinator"
    names = {group.name for group in account.groups.all()}
    for role, group in ROLE_GROUPS.items():
        if group is not None and group in names:
            return role
    return "partner"


def invitation_state(person: Person) -> str:
    """What a coordinator needs to know about someone's account, in one word."""
    account = person.user
    if account is None:
        return "no_account"
    if not account.is_active:
        return "disabled"
    if not account.has_usable_password() and account.last_login is None:
        return "invited"
    return "active"


def _by_name(by: User) -> str:
    if by is None or not by.is_authenticated:
        return ""
    return display_name(by)


def _record(by: User, person: Person, kind: str, detail: str = "") -> AccessChange:
    return AccessChange.objects.create(
        at=timezone.now(),
        by=by if by is not None and by.is_authenticated else None,
        by_name=_by_name(by),
        person=person,
        person_name=str(person),
        kind=kind,
        detail=detail[:500],
    )


def _locked(person: Person) -> Person:
    """The person read again under a row lock, with their account, so that two coordinators
    acting on the same person at once act one after the other on fresh data."""
    # Only the person's row: PostgreSQL cannot lock the nullable side of the account join.
    return Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)


def _give_role(account: AuthUser, role: str) -> None:
    groups = [g for g in ROLE_GROUPS.values() if g is not None]
    account.groups.remove(*Group.objects.filter(name__in=groups))
    group = ROLE_GROUPS[role]
    if group is not None:
        account.groups.add(Group.objects.get_or_create(name=group)[0])


def _check_role(role: str) -> None:
    if role not in ROLE_GROUPS:
        raise AccessError(_("Choose a role: coordinator, partner or viewer."))


def _refuse_self(by: User, person: Person, what: str) -> None:
    # A coordinator who demoted or disabled themselves could lock the cluster out.
    if by is not None and person.user_id is not None and person.user_id == by.pk:
        raise AccessError(
            _("You cannot %(what)s yourself; ask another coordinator.") % {"what": what}
        )


def _refuse_known_email(email: str, *, except_person: Person | None = None) -> None:
    people = Person.objects.filter(email__iexact=email).select_related("organization")
    if except_person is not None:
        people = people.exclude(pk=except_person.pk)
    taken = people.first()
    Account = get_user_model()
    if (
        taken is not None
        or Account.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()
    ):
        raise AccessError(
            _("%(email)s is already in PIM Tracker%(who)s: open their page instead.")
            % {"email": email, "who": f" ({taken})" if taken else ""}
        )


def _new_account(*, email: str, first_name: str, last_name: str, role: str) -> AuthUser:
    """An account named by its e-mail address, with ``role`` and no usable password."""
    account = get_user_model()(
        username=email, email=email, first_name=first_name, last_name=last_name
    )
    account.set_unusable_password()
    account.save()
    _give_role(account, role)
    return account


def invite_person(
    *,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    organization: Organization,
    role: str,
    send_email: bool = True,
) -> Person:
    """Create a person and their account, with ``role`` and no usable password.

    With ``send_email`` the person is e-mailed a link to set their password (after the
    commit). An e-mail address already known (to a person or an account) is refused.
    """
    _check_role(role)
    email = email.strip().lower()
    first_name, last_name = first_name.strip(), last_name.strip()
    if not (email and first_name and last_name):
        raise AccessError(_("First name, last name and e-mail are all needed."))
    try:
        with transaction.atomic():
            _refuse_known_email(email)
            account = _new_account(
                email=email, first_name=first_name, last_name=last_name, role=role
            )
            person = Person.objects.create(
                first_name=first_name,
                last_name=last_name,
                email=email,
                organization=organization,
                user=account,
            )
            _invited(by, person, role, send_email)
    except IntegrityError as exc:
        # Two coordinators inviting the same address at once: the second one loses here.
        raise AccessError(_("%(email)s is already in PIM Tracker.") % {"email": email}) from exc
    return person


def _invited(by: User, person: Person, role: str, send_email: bool) -> None:
    """The access log's line for an invitation and, after the commit, its e-mail."""
    _record(by, person, AccessChange.Kind.INVITED, _("as %(role)s") % {"role": ROLE_LABELS[role]})
    if send_email:
        transaction.on_commit(lambda: send_invitation(person.pk))


def invite_existing_person(
    *, by: User, person: Person, email: str, role: str, send_email: bool = True
) -> Person:
    """Give an account to someone already recorded without one (most people of an imported
    plan): as ``invite_person``, keeping the person, their items and memberships.

    The address entered becomes their work e-mail; one known for someone else is refused.
    """
    _check_role(role)
    email = email.strip().lower()
    if not email:
        raise AccessError(_("An e-mail address is needed to send the invitation."))
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=person.pk)
            if person.user_id is not None:
                raise AccessError(
                    _("%(person)s already has an account.") % {"person": person.full_name}
                )
            if not person.is_active or person.left_on is not None:
                raise AccessError(
                    _("%(person)s is not active: reactivate them first.")
                    % {"person": person.full_name}
                )
            _refuse_known_email(email, except_person=person)
            person.user = _new_account(
                email=email, first_name=person.first_name, last_name=person.last_name, role=role
            )
            person.email = email
            person.save(update_fields=["user", "email"])
            _invited(by, person, role, send_email)
    except IntegrityError as exc:
        raise AccessError(_("%(email)s is already in PIM Tracker.") % {"email": email}) from exc
    return person


def _pending(person: Person) -> AuthUser:
    if invitation_state(person) != "invited" or person.user is None:
        raise AccessError(_("%(person)s has no pending invitation.") % {"person": person.full_name})
    return person.user


def resend_invitation(*, by: User, person: Person, send_email: bool = True) -> None:
    """E-mail a fresh set-password link (valid 3 days from now) to an invited person.

    Without ``send_email`` the caller hands the link over itself
    (``invitations.set_password_link``).
    """
    with transaction.atomic():
        person = _locked(person)
        _pending(person)
        _record(by, person, AccessChange.Kind.INVITATION_RESENT)
        if send_email:
            transaction.on_commit(lambda: send_invitation(person.pk))


def cancel_invitation(*, by: User, person: Person) -> None:
    """Delete the account of an invited person who never set a password.

    The person stays (they may be a focal point); their links stop working.
    """
    with transaction.atomic():
        person = _locked(person)
        account = _pending(person)
        _record(by, person, AccessChange.Kind.INVITATION_CANCELLED)
        account.delete()


def change_role(*, by: User, person: Person, role: str) -> None:
    """Give the person's account another role (coordinator, partner or viewer)."""
    _check_role(role)
    with transaction.atomic():
        person = _locked(person)
        if person.user is None:
            raise AccessError(
                _("%(person)s has no account: invite them first.") % {"person": person.full_name}
            )
        _refuse_self(by, person, _("change the role of"))
        before = role_of_person(person)
        if before == role:
            raise AccessError(
                _("%(person)s is already a %(role)s.")
                % {"person": person.full_name, "role": ROLE_LABELS[role]}
            )
        if person.user.is_superuser:
            raise AccessError(_("A superuser is always a coordinator; change it in the admin."))
        _give_role(person.user, role)
        _record(
            by,
            person,
            AccessChange.Kind.ROLE_CHANGED,
            f"{ROLE_LABELS[before] if before else '—'} → {ROLE_LABELS[role]}",
        )


def deactivate_person(*, by: User, person: Person) -> None:
    """Take access away: the account can no longer sign in, the person gets no digest."""
    with transaction.atomic():
        person = _locked(person)
        if not person.is_active:
            raise AccessError(_("%(person)s is already inactive.") % {"person": person.full_name})
        _refuse_self(by, person, _("deactivate"))
        person.is_active = False
        person.save(update_fields=["is_active"])
        if person.user is not None:
            person.user.is_active = False
            person.user.save(update_fields=["is_active"])
        _record(by, person, AccessChange.Kind.DEACTIVATED)


def reactivate_person(*, by: User, person: Person) -> None:
    """Give access back to someone deactivated or who left (their ended memberships stay ended)."""
    with transaction.atomic():
        person = _locked(person)
        if person.is_active and person.left_on is None:
            raise AccessError(_("%(person)s is already active.") % {"person": person.full_name})
        person.is_active = True
        person.left_on = None
        person.save(update_fields=["is_active", "left_on"])
        if person.user is not None:
            person.user.is_active = True
            person.user.save(update_fields=["is_active"])
        _record(by, person, AccessChange.Kind.REACTIVATED)


def hand_over(
    *, by: User, person: Person, left_on: datetime.date, successor: Person | None = None
) -> int:
    """Someone left their post on ``left_on``: the successor becomes focal point of each of
    their items (one journal row per item, through ``change_action_point``), their open
    memberships end, their account is disabled and their digests stop.

    The journal keeps their account, so what they did still carries their name. Without a
    successor the items keep them as focal point for a coordinator to reassign. Returns the
    number of items handed over.
    """
    # Imported here: the actions app's models import this app's models.
    from actions.models import ActionPoint
    from actions.services import change_action_point

    with transaction.atomic():
        person = _locked(person)
        if person.left_on is not None:
            raise AccessError(
                _("%(person)s already left on %(date)s.")
                % {"person": person.full_name, "date": person.left_on.isoformat()}
            )
        _refuse_self(by, person, _("hand over the items of"))
        if successor is not None:
            successor = Person.objects.get(pk=successor.pk)
            if successor.pk == person.pk:
                raise AccessError(_("Someone cannot take over their own items."))
            if not successor.is_active or successor.left_on is not None:
                raise AccessError(
                    _("%(person)s is not active and cannot take over items.")
                    % {"person": successor.full_name}
                )

        handed = 0
        if successor is not None:
            items = (
                ActionPoint.objects.filter(focal_points=person)
                .prefetch_related("focal_points")
                .order_by("pk")
            )
            note = _("%(leaver)s left on %(date)s; %(successor)s takes over as focal point.") % {
                "leaver": person.full_name,
                "date": left_on.isoformat(),
                "successor": successor.full_name,
            }
            for item in items:
                focal_points = [p for p in item.focal_points.all() if p.pk != person.pk]
                if all(p.pk != successor.pk for p in focal_points):
                    focal_points.append(successor)
                change_action_point(
                    action_point=item.pk, by=by, focal_points=focal_points, note=note
                )
                handed += 1

        for membership in person.memberships.filter(
            Q(end_date__isnull=True) | Q(end_date__gt=left_on)
        ):
            start = membership.start_date
            membership.end_date = max(left_on, start) if start else left_on
            membership.save(update_fields=["end_date"])

        person.left_on = left_on
        person.save(update_fields=["left_on"])
        if person.user is not None:
            person.user.is_active = False
            person.user.save(update_fields=["is_active"])

        detail = _("left on %(date)s") % {"date": left_on.isoformat()}
        if successor is not None:
            detail += "; " + _("%(count)s item(s) handed over to %(successor)s") % {
                "count": handed,
                "successor": successor.full_name,
            }
        _record(by, person, AccessChange.Kind.LEFT, detail)
    return handed
