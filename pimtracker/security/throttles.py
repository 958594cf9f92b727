"""Throttles that slow an attacker without locking out the person attacked.

django-axes keeps its hard lock on a username *and* the client's address (settings), with
the address as our proxies report it (addresses.py): five wrong passwords lock that pair,
so the attacker's address is stopped and the owner of the account, elsewhere, is not. Two
limits are added here, counted on the security log's rows (one indexed query each):

- per address: ``SIGN_IN_ADDRESS_LIMIT`` failures in an hour from one address, whatever the
  usernames, and that address is refused for the rest of the hour. This catches password
  spraying (one password tried across many usernames), which a per-username lock never sees.
- per username, from every address: past ``SIGN_IN_USERNAME_LIMIT`` failures in an hour,
  each further try waits a back-off that doubles from one minute, up to
  ``SIGN_IN_BACKOFF_MAX_MINUTES``. A soft lock: an attacker spread over many addresses is
  slowed, and the owner waits minutes at worst, never an hour.

Password reset: ``PASSWORD_RESET_ADDRESS_LIMIT`` requests an hour from one address, and
``PASSWORD_RESET_TARGET_LIMIT`` e-mails an hour to one address (further requests are
answered the same way but send nothing, so the limit tells nothing either).
"""

import datetime
import math

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .addresses import client_address
from .models import SecurityEvent, SecurityEventKind

WINDOW = datetime.timedelta(hours=1)


def _recent(kind: str, now: datetime.datetime, **match: str | None):
    return SecurityEvent.objects.filter(kind=kind, at__gte=now - WINDOW, **match)


def sign_in_wait(request: HttpRequest, username: str) -> int:
    """Minutes this sign-in must wait, or 0 when it may go ahead."""
    now = timezone.now()
    address = client_address(request)
    if address is not None:
        failures = _recent(SecurityEventKind.SIGN_IN_FAILED, now, ip_address=address)
        if failures.count() >= settings.SIGN_IN_ADDRESS_LIMIT:
            oldest = failures.order_by("at").values_list("at", flat=True).first()
            return _minutes_until((oldest or now) + WINDOW, now)
    if not username or "\x00" in username:  # the sign-in form refuses a NUL itself
        return 0
    failures = _recent(SecurityEventKind.SIGN_IN_FAILED, now, username=username[:150])
    count = failures.count()
    over = count - settings.SIGN_IN_USERNAME_LIMIT
    if over < 0:
        return 0
    backoff = min(2**over, settings.SIGN_IN_BACKOFF_MAX_MINUTES)
    last = failures.order_by("-at").values_list("at", flat=True).first() or now
    return _minutes_until(last + datetime.timedelta(minutes=backoff), now)


def password_reset_allowed_from(request: HttpRequest) -> bool:
    address = client_address(request)
    requests = _recent(
        SecurityEventKind.PASSWORD_RESET_REQUESTED, timezone.now(), ip_address=address
    )
    return requests.count() < settings.PASSWORD_RESET_ADDRESS_LIMIT


def password_reset_allowed_to(email: str) -> bool:
    """Whether one more reset e-mail may go to ``email`` (counted before this request's row)."""
    requests = _recent(
        SecurityEventKind.PASSWORD_RESET_REQUESTED, timezone.now(), username=email.lower()[:150]
    )
    return requests.count() < settings.PASSWORD_RESET_TARGET_LIMIT


def _minutes_until(until: datetime.datetime, now: datetime.datetime) -> int:
    return max(0, math.ceil((until - now).total_seconds() / 60))
