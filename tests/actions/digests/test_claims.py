"""The batch's claim and its "sent", each compiled once (``claims._Statement``), against
the same UPDATE compiled by Django each time: the same rows taken, the same values written,
whatever state the row is in, at whatever time."""

import datetime

import pytest
from django.db import transaction

from actions.digests import claims, delivery
from actions.models import DigestDelivery
from tests.actions.digests import scenario as s

State = DigestDelivery.State
LEASE, BACKOFF = claims.LEASE, datetime.timedelta(seconds=claims.RETRY_BACKOFF[0])
NOW = s.NOW
SECOND = datetime.timedelta(seconds=1)

# What the row and its person look like, and whether a claim takes the row.
STATES = {
    "pending": ({}, {}, True),
    "pending, in its retry wait": ({"retry_after": NOW + SECOND}, {}, False),
    "pending, its wait just over": ({"retry_after": NOW}, {}, True),
    "being sent, lease live": ({"status": State.SENDING, "lease_until": NOW + SECOND}, {}, False),
    "being sent, lease just live": ({"status": State.SENDING, "lease_until": NOW}, {}, False),
    "being sent, lease expired": (
        {"status": State.SENDING, "lease_until": NOW - SECOND},
        {},
        True,
    ),
    "last attempt used": ({"attempts": claims.MAX_ATTEMPTS}, {}, False),
    "one attempt left": ({"attempts": claims.MAX_ATTEMPTS - 1}, {}, True),
    "sent": ({"status": State.SENT}, {}, False),
    "maybe sent": ({"status": State.UNCERTAIN}, {}, False),
    "unsubscribed": ({}, {"digest_enabled": False}, False),
    "left": ({}, {"left_on": datetime.date(2024, 3, 1)}, False),
    "no address": ({}, {"email": ""}, False),
    "account closed": ({}, {"is_active": False}, False),
}


@pytest.fixture
def rows(plan, organizations, coordinator):
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    with s.at(2024, 3, 11, 7, 0):
        delivery.prepare_week(s.PERIOD)
    return data, DigestDelivery.objects.select_related("person").filter(period=s.PERIOD)


def _by_django(pk: int, attempts: int, now: datetime.datetime) -> bool:
    rows = claims._claim_rows(now, pk, attempts)
    return bool(rows.update(**claims._claim_values(now)))


def _outcome(claim, pk: int, attempts: int, now: datetime.datetime) -> tuple:
    """What a claim decides and writes, undone afterwards."""
    with transaction.atomic():
        taken = claim(pk, attempts, now)
        after = DigestDelivery.objects.values_list(
            "status", "lease_until", "retry_after", "attempts"
        ).get(pk=pk)
        transaction.set_rollback(True)
    return taken, after


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("late", [datetime.timedelta(0), 3 * LEASE, -BACKOFF])
def test_the_compiled_claim_takes_what_django_takes(rows, state, late):
    _data, deliveries = rows
    row = deliveries.get(person__email="ivo.focal@example.org")
    fields, person, taken = STATES[state]
    # The times are moved with the claim's, so that each state stays what it says.
    moved = {k: v + late if isinstance(v, datetime.datetime) else v for k, v in fields.items()}
    DigestDelivery.objects.filter(pk=row.pk).update(**moved)
    type(row.person).objects.filter(pk=row.person.pk).update(**person)
    attempts = moved.get("attempts", 0)
    now = NOW + late

    def compiled(pk, attempts, now):
        return claims.claim(pk, now, attempts=attempts)

    expected = _outcome(_by_django, row.pk, attempts, now)
    assert _outcome(compiled, row.pk, attempts, now) == expected
    # A stale read (the row was claimed since) is refused by both.
    assert _outcome(compiled, row.pk, attempts + 1, now)[0] is False
    assert expected[0] is taken


def test_the_compiled_claim_is_one_update_that_only_one_sender_wins(rows):
    _data, deliveries = rows
    pk = deliveries.get(person__email="ivo.focal@example.org").pk
    assert claims.claim(pk, NOW, attempts=0) is True
    assert claims.claim(pk, NOW, attempts=0) is False  # the same read, a second sender
    claimed = DigestDelivery.objects.get(pk=pk)
    assert (claimed.status, claimed.attempts, claimed.lease_until) == (
        State.SENDING,
        1,
        NOW + LEASE,
    )


def test_the_compiled_sent_record_writes_what_django_writes(rows):
    _data, deliveries = rows
    pk = deliveries.get(person__email="ivo.focal@example.org").pk

    def others() -> list[tuple]:
        return list(
            DigestDelivery.objects.exclude(pk=pk)
            .order_by("pk")
            .values_list("pk", "status", "sent_at", "lease_until", "attempts")
        )

    before = others()
    sent_at = NOW + 3 * SECOND

    def written(record) -> tuple:
        with transaction.atomic():
            assert claims.claim(pk, NOW, attempts=0) is True
            record()
            after = DigestDelivery.objects.values_list(
                "status", "sent_at", "lease_until", "retry_after", "attempts"
            ).get(pk=pk)
            # Read before the rollback: only the claimed row was written.
            assert others() == before
            transaction.set_rollback(True)
        return after

    by_django = written(
        lambda: DigestDelivery.objects.filter(pk=pk).update(**claims._sent_values(sent_at))
    )
    assert written(lambda: claims.record_sent(pk, sent_at)) == by_django
    assert by_django == (State.SENT, sent_at, None, None, 1)
