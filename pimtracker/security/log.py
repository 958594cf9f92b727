"""One call to write the security log, from any feature: ``log.record(request, kind, …)``."""

import datetime
from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from .addresses import client_address
from .models import SecurityEvent, SecurityEventKind
from .names import display_name

Kind = SecurityEventKind
T = TypeVar("T")

User = AuthUser | AnonymousUser | None


def record(
    request: HttpRequest | None,
    kind: str,
    *,
    actor: User = None,
    subject: User = None,
    username: str = "",
    detail: str = "",
    rows: int | None = None,
) -> SecurityEvent:
    """Write one event. The actor is the request's user unless given; ``detail`` says what
    (a filter, a token's name) and must never carry a secret."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    actor = actor if isinstance(actor, AuthUser) else None
    subject = subject if isinstance(subject, AuthUser) else None
    return SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_name=display_name(actor),
        subject=subject,
        subject_name=display_name(subject),
        username=username[:150],
        ip_address=client_address(request) if request is not None else None,
        detail=detail[:500],
        rows=rows,
    )


def delete_old_events(now: datetime.datetime | None = None) -> int:
    """Delete what is older than ``SECURITY_LOG_DAYS``; returns how many rows went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SECURITY_LOG_DAYS)
    deleted, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def counted_export(
    request: HttpRequest, rows: Iterable[T], *, what: str, filters: QueryDict
) -> Iterator[T]:
    """``rows`` as they are written, and once the last is out an ``EXPORTED`` event: who,
    which export (``what``), with which filters, how many rows. Counting while streaming
    costs no query before the first byte; an export broken off midway is not recorded."""
    count = 0
    for row in rows:
        count += 1
        yield row
    query = filters.urlencode()
    record(request, Kind.EXPORTED, detail=f"{what}?{query}" if query else what, rows=count)
