"""What the site calls an account: a person's name, never a username.

Usernames are often e-mail addresses, and an address shown as a journal author, in a digest
or through the API leaks a staff contact to everyone who reads the item. So every "who" on
a page, in an e-mail or in the API comes from here:

- the person's name, when the account belongs to a person;
- "former staff of ORG" when that person's name was removed (the person was anonymised);
- the account's own first and last name (an administrator made with ``createsuperuser``);
- "former account" for a disabled account without a name, "unnamed account" for an active
  one, and "former account" in place of any stored name that looks like an address.

Callers load the person and organisation with the account
(``select_related("author__person__organization")``), so no name costs a query.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _


def display_name(user: User | AnonymousUser | None) -> str:
    """The name to show for ``user``; empty for no user (the system)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return ""
    try:
        person = user.person
    except ObjectDoesNotExist:
        person = None
    if person is not None:
        full_name = f"{person.first_name} {person.last_name}".strip()
        if full_name:
            return full_name
        return _("former staff of %(organization)s") % {"organization": person.organization.acronym}
    own_name = user.get_full_name().strip()
    if own_name and not looks_like_an_address(own_name):
        return own_name
    return _("unnamed account") if user.is_active else _("former account")


def stored_name(name: str) -> str:
    """A name written down earlier (a journal entry whose account is gone), as it may be
    shown: one that is an address was written before this rule and is hidden."""
    return _("former account") if looks_like_an_address(name) else name


def looks_like_an_address(text: str) -> bool:
    return "@" in text
