"""Who may do what: the one place where the roles of DESIGN §2 are decided.

Pure functions of a user (and an action point whose leads and focal points were loaded
with it), used by views, templates and tests alike. The role needs the user's groups and
person; both are read in one query, once per request, and kept on the user object, so
asking again costs no query.
"""

import enum
import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from participants.models import Person
from participants.roles import COORDINATORS, VIEWERS

from .models import ActionPoint, ActionUpdate

# The project keeps Django's own user model (AUTH_USER_MODEL is not swapped).
User = AuthUser | AnonymousUser


class SignedInRequest(HttpRequest):
    """For type checkers: a request to a view behind LoginRequiredMiddleware, whose user
    is therefore signed in."""

    user: AuthUser


_CACHE = "_pimtracker_role_and_person"
_SAMPLE_CACHE = "_pimtracker_sample_data"


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    PARTNER = "partner"
    VIEWER = "viewer"
    # Signed in but neither in a role group nor linked to a person: may read nothing.
    NONE = "none"


class NoRole(PermissionDenied):
    """The account has no role yet; the 403 page explains what to ask for."""


def person_of(user: User) -> Person | None:
    """The person linked to the account (with their organisation), or None.

    Read once per request with the role, and kept on the user object.
    """
    if not user.is_authenticated:
        return None
    return _role_and_person(user)[1]


def role_of(user: User) -> Role:
    if not user.is_authenticated:
        return Role.NONE
    return _role_and_person(user)[0]


def _role_and_person(user: AuthUser) -> tuple[Role, Person | None]:
    # getattr/setattr, not __dict__: request.user is a lazy proxy of the user.
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = _read_role_and_person(user)
        setattr(user, _CACHE, cached)
        # Security: names (pimtracker/security/names.py) read user.person; it is known now.
        user._state.fields_cache.setdefault("person", cached[1])
    return cached


@functools.cache
def _accounts_with_roles():
    """Accounts with their role groups, person and organisation, in one row each: the groups
    as two EXISTS, the person and organisation through outer joins (an account without a
    person still gets its groups).

    Built once per process and only ever cloned (``.filter()``), never evaluated itself:
    resolving the three EXISTS took more of every request than running the query.
    """
    Account = get_user_model()
    memberships = Account.groups.through.objects.filter(user_id=OuterRef("pk"))
    return Account.objects.select_related("person__organization").annotate(
        in_coordinators=Exists(memberships.filter(group__name=COORDINATORS)),
        in_viewers=Exists(memberships.filter(group__name=VIEWERS)),
        # Data responsibility: the demo banner's question, asked in the same query.
        sample_data=Exists(ActionUpdate.objects.filter(is_sample=True))
        | Exists(Person.objects.filter(is_sample=True)),
    )


def _read_role_and_person(user: AuthUser) -> tuple[Role, Person | None]:
    """One query, for a user that was not loaded by ``RoleReadingBackend`` (a test's or a
    script's): its key only, as the caller has the rest."""
    account = _accounts_with_roles().filter(pk=user.pk).only("pk", "person").first()
    if account is None:  # deleted while signed in
        return Role.NONE, None
    setattr(user, _SAMPLE_CACHE, account.sample_data)
    return _role_of_row(user, account)


def _role_of_row(user: AuthUser, account: Any) -> tuple[Role, Person | None]:
    """The role from a row of ``_accounts_with_roles`` (its annotations are not typed)."""
    try:
        person = account.person
    except Person.DoesNotExist:
        person = None
    if user.is_superuser or account.in_coordinators:
        role = Role.COORDINATOR
    elif account.in_viewers:
        role = Role.VIEWER
    # Someone who left their post keeps the account (the journal names them) but no longer
    # speaks for their organisation.
    elif person is not None and person.is_active and person.left_on is None:
        role = Role.PARTNER
    else:
        role = Role.NONE
    return role, person


class RoleReadingBackend(ModelBackend):
    """Django's ModelBackend, whose ``get_user`` (the signed-in account, once a request)
    reads the role and person in the same query: one query fewer on every page."""

    def get_user(self, user_id: int) -> AuthUser | None:
        # Not .first(): the key is unique, so the ORDER BY that .first() adds is only work.
        user = next(iter(_accounts_with_roles().filter(pk=user_id)), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        setattr(user, _SAMPLE_CACHE, user.sample_data)
        setattr(user, _CACHE, _role_of_row(user, user))
        return user


def sample_data_loaded(user: User) -> bool:
    """Whether ``load_demo``'s sample data is in the database, read with the role (no query
    of its own): every page then says so."""
    if not user.is_authenticated:
        return False
    _role_and_person(user)
    return bool(getattr(user, _SAMPLE_CACHE, False))


def is_coordinator(user: User) -> bool:
    return role_of(user) == Role.COORDINATOR


def can_read(user: User) -> bool:
    """Coordinators, partners and viewers read every action point of the plans."""
    return role_of(user) != Role.NONE


def can_update(user: User, action_point: ActionPoint) -> bool:
    """Change status and add a note: coordinators, and partners on items that are theirs.

    Reads ``leads`` and ``focal_points.all()`` so that a prefetched item costs no query.
    """
    role = role_of(user)
    if role == Role.COORDINATOR:
        return True
    if role != Role.PARTNER:
        return False
    person = person_of(user)
    if person is None:
        return False
    return any(org.pk == person.organization_id for org in action_point.leads) or any(
        p.pk == person.pk for p in action_point.focal_points.all()
    )


def can_comment(user: User) -> bool:
    """Comment on any action point: coordinators and every partner, whoever leads it (a
    partner who could help with another organisation's item says so); viewers only read."""
    return role_of(user) in (Role.COORDINATOR, Role.PARTNER)


def require_comment(user: User) -> None:
    require_reader(user)
    if not can_comment(user):
        raise PermissionDenied(_("Only coordinators and partners may comment."))


def can_edit(user: User) -> bool:
    """Create and edit action points, change many at once: coordinators only."""
    return is_coordinator(user)


def can_see_contact_details(user: User) -> bool:
    """Staff e-mail addresses are personal data: coordinators only (DESIGN §2)."""
    return is_coordinator(user)


def has_own_items(user: User) -> bool:
    """Whether "My items" means anything: the account is linked to a person."""
    return can_read(user) and person_of(user) is not None


def require_reader(user: User) -> Role:
    role = role_of(user)
    if role == Role.NONE:
        raise NoRole(_("Your account has no role in PIM Tracker yet."))
    return role


def require_coordinator(user: User) -> None:
    require_reader(user)
    if not is_coordinator(user):
        raise PermissionDenied(_("Only coordinators may do this."))


def require_update(user: User, action_point: ActionPoint) -> None:
    require_reader(user)
    if not can_update(user, action_point):
        raise PermissionDenied(
            _("Only coordinators and the item's lead organisations and focal points may update it.")
        )


# --- Update from an e-mail link: the person the link was sent to, not the session ---------


def person_may_update(person: Person, action_point: ActionPoint) -> bool:
    """``can_update`` for the person an e-mail link was sent to, whoever opened it.

    Someone who left or was deactivated may not, whatever their role. A person with an
    account has its role; one without (most partner staff named in the plan have none) is
    a partner of their organisation, as a coordinator would make them.
    """
    if not person.is_active or person.left_on is not None:
        return False
    if person.user_id is not None:
        account = get_user_model().objects.filter(pk=person.user_id, is_active=True).first()
        return account is not None and can_update(account, action_point)
    return any(org.pk == person.organization_id for org in action_point.leads) or any(
        p.pk == person.pk for p in action_point.focal_points.all()
    )
