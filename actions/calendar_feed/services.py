"""Creating and revoking a calendar feed's secret address."""

import secrets

from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.utils import timezone

from actions.models import CalendarFeed


def new_feed_secret(*, user: AuthUser) -> CalendarFeed:
    """Give the account a new secret address; the old one, if any, stops working at once."""
    with transaction.atomic():
        feed, _ = CalendarFeed.objects.update_or_create(
            user=user,
            defaults={"secret": secrets.token_urlsafe(32), "created_at": timezone.now()},
        )
    return feed


def revoke_feed(*, user: AuthUser) -> None:
    """The account's address stops working; calendars subscribed to it get a 404."""
    CalendarFeed.objects.filter(user=user).delete()
