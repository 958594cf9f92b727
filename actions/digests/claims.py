"""Claiming a delivery row: who may send it, and when.

A sender takes a row with one conditional UPDATE (``claim``): pending, or "sending" with an
expired lease (its sender died); fewer than ``MAX_ATTEMPTS`` attempts; **not in its retry
wait** (``retry_after`` in the future: a temporary failure's back-off, which no sweep or
rerun may cut short); and **its person still wants it**, read at that very moment (active,
not left, an address, the digest on), so that someone who unsubscribes or leaves while
their batch runs gets nothing. Only the process whose UPDATE matched sends. A row that is
not claimed because its person no longer wants it is marked skipped by ``skip_unwanted``;
one whose message went out is released by ``record_sent``.
"""

import datetime
import functools
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from actions.models import DigestDelivery

from .recipients import skip_reason

State = DigestDelivery.State

# Bounded retries: the fifth failed attempt is the last; back-off after attempt 1, 2, 3, 4.
MAX_ATTEMPTS = 5
RETRY_BACKOFF = (60, 5 * 60, 15 * 60, 30 * 60)  # seconds
# A claim holds the row this long: more than a send can take (the task's hard time limit).
LEASE = datetime.timedelta(minutes=10)


def retry_in(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt."""
    return RETRY_BACKOFF[min(attempts, len(RETRY_BACKOFF)) - 1]


def wanted() -> Q:
    """Rows whose person should still get a digest: ``recipients.skip_reason`` as a filter."""
    return Q(
        person__is_active=True,
        person__left_on__isnull=True,
        person__digest_enabled=True,
    ) & ~Q(person__email="")


def claimable(now: datetime.datetime) -> Q:
    return (
        Q(attempts__lt=MAX_ATTEMPTS)
        & (Q(status=State.PENDING) | Q(status=State.SENDING, lease_until__lt=now))
        & (Q(retry_after__isnull=True) | Q(retry_after__lte=now))
    )


def is_claimable(row: DigestDelivery, now: datetime.datetime) -> bool:
    """``claimable`` for a loaded row (its person's wishes aside)."""
    expired = row.lease_until is not None and row.lease_until < now
    waiting = row.retry_after is not None and row.retry_after > now
    return (
        row.attempts < MAX_ATTEMPTS
        and not waiting
        and (row.status == State.PENDING or (row.status == State.SENDING and expired))
    )


def _claim_rows(
    now: datetime.datetime, delivery_id: int, attempts: int | None
) -> QuerySet[DigestDelivery]:
    rows = DigestDelivery.objects.filter(claimable(now), wanted(), pk=delivery_id)
    return rows if attempts is None else rows.filter(attempts=attempts)


def _claim_values(now: datetime.datetime) -> dict[str, Any]:
    return {
        "status": State.SENDING,
        "lease_until": now + LEASE,
        "retry_after": None,
        "attempts": F("attempts") + 1,
    }


def claim(
    delivery_id: int, now: datetime.datetime | None = None, *, attempts: int | None = None
) -> bool:
    """Take the row for sending, atomically, if it is claimable and its person still wants
    it. One conditional UPDATE, so of two concurrent callers only one matches, on SQLite as
    on PostgreSQL. Counts the attempt. With ``attempts``, only a row that has had exactly
    that many: nobody touched it since the caller read it."""
    now = now or timezone.now()
    if attempts is None:
        return bool(_claim_rows(now, delivery_id, None).update(**_claim_values(now)))
    return bool(_claim_statement(DigestDelivery.objects.db).run(delivery_id, now, attempts))


def _sent_values(now: datetime.datetime) -> dict[str, Any]:
    return {"status": State.SENT, "sent_at": now, "lease_until": None}


def record_sent(delivery_id: int, now: datetime.datetime | None = None) -> None:
    """The claimed row's message went out: sent at ``now``, the lease released."""
    _sent_statement(DigestDelivery.objects.db).run(delivery_id, now or timezone.now())


@dataclass(frozen=True)
class _Statement:
    """An UPDATE of the batch's, one per message (its claim, its "sent"), as Django compiles
    it, compiled once per process and database with stand-ins for the row, the time and the
    attempts, which each run replaces with its own. Compiling took most of each UPDATE's
    time (``tests/actions/digests/test_claims.py`` holds both to Django's own UPDATE)."""

    alias: str
    sql: str
    params: tuple[Any, ...]
    slots: dict[int, str]  # which stand-in sits at each of these places in ``params``

    @classmethod
    def compile(
        cls, alias: str, rows: QuerySet[DigestDelivery], values: dict[str, Any], *names: str
    ) -> "_Statement":
        """``rows.update(**values)``, compiled and kept instead of run; ``rows`` and
        ``values`` hold the stand-ins (``_STAND_IN``) of ``names`` (``_params``' keys)."""
        query = cast(UpdateQuery, rows.query.chain(UpdateQuery))
        query.add_update_values(values)
        sql, params = query.get_compiler(alias).as_sql()
        slots = {}
        for name, stand_in in _params(alias, *_STAND_IN).items():
            found = [i for i, param in enumerate(params) if param == stand_in]
            if name in names and not found:
                raise AssertionError(f"no {name} in the statement: {sql} {params}")
            slots.update(dict.fromkeys(found, name))
        return cls(alias, sql, tuple(params), slots)

    def run(self, pk: int, now: datetime.datetime, attempts: int | None = None) -> int:
        """Runs it with this row, time and attempts for the stand-ins; the rows it changed."""
        values = _params(self.alias, pk, now, attempts)
        params = [
            values[self.slots[i]] if i in self.slots else p for i, p in enumerate(self.params)
        ]
        with (
            transaction.mark_for_rollback_on_error(self.alias),
            connections[self.alias].cursor() as cursor,
        ):
            cursor.execute(self.sql, params)
            return cursor.rowcount


# Values no real run has: a key past any sequence, a time a century before the first
# digest, more attempts than MAX_ATTEMPTS allows.
_STAND_IN = (2**62 + 7, datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC), 32_001)


def _params(
    alias: str, pk: int, now: datetime.datetime, attempts: int | None = None
) -> dict[str, Any]:
    """One run's values, as the database's driver is handed them (times are strings on
    SQLite)."""
    moment = connections[alias].ops.adapt_datetimefield_value
    return {"pk": pk, "attempts": attempts, "now": moment(now), "lease": moment(now + LEASE)}


@functools.cache
def _claim_statement(alias: str) -> _Statement:
    pk, now, attempts = _STAND_IN
    return _Statement.compile(
        alias, _claim_rows(now, pk, attempts), _claim_values(now), "pk", "now", "lease", "attempts"
    )


@functools.cache
def _sent_statement(alias: str) -> _Statement:
    pk, now, _attempts = _STAND_IN
    return _Statement.compile(
        alias, DigestDelivery.objects.filter(pk=pk), _sent_values(now), "pk", "now"
    )


def skip_unwanted(ids: list[int], now: datetime.datetime | None = None) -> list[int]:
    """Mark skipped, with the reason, the claimable rows among ``ids`` whose person no longer
    wants a digest (left, unsubscribed, no address): a claim refuses them. Returns their ids.
    A query, and one more per reason when there are any: per batch, not per recipient."""
    now = now or timezone.now()
    unwanted = (
        DigestDelivery.objects.filter(claimable(now), pk__in=ids)
        .exclude(wanted())
        .select_related("person")
    )
    reasons: dict[str, list[int]] = {}
    for row in unwanted:
        reasons.setdefault(skip_reason(row.person), []).append(row.pk)
    for reason, pks in reasons.items():
        DigestDelivery.objects.filter(claimable(now), pk__in=pks).update(
            status=State.SKIPPED, lease_until=None, retry_after=None, error=reason
        )
    return [pk for pks in reasons.values() for pk in pks]
