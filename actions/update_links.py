"""Links that let a person update one action point from an e-mail, without a password.

In the core so that the digests (and, later, the notices) can put a link beside each item
without importing the feature that serves it (``actions.email_links``). A link is a signed
token, not a stored one: a digest run issues thousands of them each week, and a signature
needs no table to fill and sweep. What a stored token would add, cancelling one link, is
covered by what the page checks on every use: the person still works there, is active, may
still update the item, and coordinators have not switched the feature off.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from participants.models import Person

from .models import ActionPoint, EmailLinkSettings

SALT = "actions.email_links.update"
MAX_AGE = datetime.timedelta(days=14)


@dataclass(frozen=True)
class LinkClaim:
    """What a valid token says: who it was sent to, for which item, and when."""

    person_id: int
    item_id: int
    issued: datetime.datetime


def update_token(person: Person, item: ActionPoint) -> str:
    # The timestamp signer adds the issue time; the salt keeps these signatures from being
    # replayed as any other signed value of the project (the unsubscribe link, the session).
    return signing.TimestampSigner(salt=SALT).sign_object([person.pk, item.pk])


def update_link(person: Person, item: ActionPoint) -> str:
    """The absolute URL of the one-item update page, for ``person`` and ``item``."""
    return settings.SITE_URL + reverse("email_link_update", args=[update_token(person, item)])


def read_update_token(token: str) -> LinkClaim:
    """The claim of a token made by ``update_token`` less than ``MAX_AGE`` ago. Raises
    ``signing.SignatureExpired`` for an old one, ``signing.BadSignature`` for anything
    else that is not one."""
    signer = signing.TimestampSigner(salt=SALT)
    value = signer.unsign_object(token, max_age=MAX_AGE)
    try:
        person_id, item_id = (int(part) for part in value)
    except (TypeError, ValueError) as error:
        raise signing.BadSignature("not an update link") from error
    # Signed a moment ago and checked above: reading the time back cannot fail.
    issued = signing.b62_decode(token.rsplit(signer.sep, 2)[-2])
    return LinkClaim(person_id, item_id, datetime.datetime.fromtimestamp(issued, datetime.UTC))


def links_enabled() -> bool:
    """Whether coordinators let e-mails carry update links (on until someone switches it
    off: the row exists only once the switch was used)."""
    enabled = EmailLinkSettings.objects.filter(pk=EmailLinkSettings.SINGLETON).values_list(
        "enabled", flat=True
    )
    return next(iter(enabled), True)
