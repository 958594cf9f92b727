"""Exactly once: claims, retries, bounded attempts, the sweeper and the Celery tasks.

The e-mail backend here is Django's in-memory outbox, made to fail on demand like an SMTP
server that is down or refuses; test_digests_services.py does the same against a real one.
"""

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from actions import tasks
from actions.digests import delivery, email
from actions.models import DigestDelivery, DigestKind
from tests.actions.digests import scenario as s

State = DigestDelivery.State


class FlakyBackend(LocmemBackend):
    """The outbox, failing with ``failure`` while it is set."""

    failure: Exception | None = None

    def send_messages(self, messages):
        if FlakyBackend.failure is not None:
            raise FlakyBackend.failure
        return super().send_messages(messages)


@pytest.fixture
def scenario(plan, organizations, coordinator, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failure = None
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    with s.at(2024, 3, 11, 7, 0) as traveller:
        data.traveller = traveller
        yield data
    FlakyBackend.failure = None


def run_week() -> list[delivery.Result]:
    """What ``send_digests`` does."""
    return delivery.deliver_batch(delivery.prepare_week(s.PERIOD), period=s.PERIOD)


def recipients_of_outbox() -> list[str]:
    return sorted(address for m in mail.outbox for address in m.to)


EXPECTED = [
    "Coordinator Demo <coordinator.demo@example.org>",
    "Dana Core <dana.core@example.org>",
    "Ivo Focal <ivo.focal@example.org>",
]


def row(person) -> DigestDelivery:
    return DigestDelivery.objects.get(person=person, period=s.PERIOD)


# --- Exactly once ---------------------------------------------------------------------------
def test_running_the_week_twice_sends_one_digest_per_recipient(scenario):
    run_week()
    assert recipients_of_outbox() == EXPECTED
    assert run_week() == []
    assert recipients_of_outbox() == EXPECTED


def test_each_row_records_what_happened(scenario):
    run_week()
    sent = row(scenario.ivo)
    assert (sent.status, sent.attempts, sent.kind) == (State.SENT, 1, DigestKind.PARTNER)
    assert sent.sent_at == s.NOW and sent.lease_until is None
    assert sent.message_id == email.message_id(scenario.ivo.pk, s.PERIOD)
    skipped = row(scenario.nora)
    assert (skipped.status, skipped.error) == (State.SKIPPED, "no e-mail address")


def test_only_one_of_two_claims_on_a_row_wins(scenario):
    (pk, *_rest) = delivery.prepare_week(s.PERIOD)
    assert delivery.claim(pk) is True
    assert delivery.claim(pk) is False


def test_a_batch_leaves_a_row_that_changed_after_it_read_it(scenario):
    pk = delivery.prepare_week(s.PERIOD)[0]
    read_by_the_batch = DigestDelivery.objects.select_related("person__organization").get(pk=pk)
    FlakyBackend.failure = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    assert delivery.deliver(pk).outcome == delivery.Outcome.RETRY  # another sender, meanwhile
    FlakyBackend.failure = None
    scenario.traveller.shift(datetime.timedelta(minutes=2))  # its back-off is over

    result = delivery.deliver(pk, loaded=read_by_the_batch)
    assert result.outcome == delivery.Outcome.NOT_CLAIMED
    assert mail.outbox == []
    assert DigestDelivery.objects.get(pk=pk).attempts == 1
    assert delivery.deliver(pk).outcome == delivery.Outcome.SENT  # the row itself is fine
    assert DigestDelivery.objects.get(pk=pk).attempts == 2


def test_a_batch_costs_two_queries_a_recipient(scenario, django_assert_num_queries):
    ids = delivery.prepare_week(s.PERIOD)
    skipped = DigestDelivery.objects.filter(pk__in=ids, person=scenario.nora).count()
    expected = (
        1  # the rows with their people
        + 1  # when each recipient's last digest went out (the snapshot's window)
        + 4  # the snapshot: items with plan and area, their leads, focal points, journal
        + 1  # the snapshot: whether update links are on
        + 2 * len(ids)  # per row: the claim, then sent or skipped
        - 1  # Nora has no address: her claim matches nothing, and there is no second query
        + 2  # the batch's unwanted rows, read then skipped with their reason, in one go
    )
    with django_assert_num_queries(expected):
        results = delivery.deliver_batch(ids, period=s.PERIOD)
    assert skipped and len(results) == len(ids)


def test_a_row_being_sent_is_left_alone_until_its_lease_expires(scenario):
    pk = delivery.prepare_week(s.PERIOD)[0]
    delivery.claim(pk)  # another worker took it...
    assert delivery.deliver(pk).outcome == delivery.Outcome.NOT_CLAIMED
    assert mail.outbox == []
    scenario.traveller.shift(delivery.LEASE + datetime.timedelta(seconds=1))  # ...and died
    assert delivery.deliver(pk).outcome == delivery.Outcome.SENT
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.get(pk=pk).attempts == 2


def test_server_down_sends_nothing_records_the_error_and_the_next_run_delivers(scenario):
    FlakyBackend.failure = ConnectionRefusedError(111, "Connection refused")
    results = run_week()
    # The server is the problem: the batch stops at the first failure.
    assert [r.outcome for r in results] == [delivery.Outcome.RETRY]
    assert results[0].stop_batch
    assert mail.outbox == []
    assert not DigestDelivery.objects.filter(status=State.SENT, period=s.PERIOD).exists()
    failed = DigestDelivery.objects.get(pk=results[0].delivery_id)
    assert (failed.status, failed.attempts) == (State.PENDING, 1)
    assert failed.error == "ConnectionRefusedError: [Errno 111] Connection refused"

    FlakyBackend.failure = None
    run_week()  # within the minute: the batch's rows all wait out the server's back-off
    assert recipients_of_outbox() == []
    assert DigestDelivery.objects.get(pk=failed.pk).attempts == 1
    scenario.traveller.shift(datetime.timedelta(seconds=61))
    run_week()
    assert recipients_of_outbox() == EXPECTED
    run_week()
    assert recipients_of_outbox() == EXPECTED


def test_a_temporary_refusal_of_one_message_retries_it_with_back_off(scenario):
    FlakyBackend.failure = smtplib.SMTPDataError(451, b"Try again later")
    results = run_week()
    assert {r.outcome for r in results} == {delivery.Outcome.RETRY, delivery.Outcome.SKIPPED}
    assert len(results) == 4  # not the server's fault: the batch went on
    first = DigestDelivery.objects.get(pk=results[0].delivery_id)
    assert results[0].retry_in == 60
    assert first.retry_after == s.NOW + datetime.timedelta(seconds=60)
    assert "451" in first.error

    run_week()  # a rerun within the wait does not take the row early
    first.refresh_from_db()
    assert (first.attempts, first.retry_after) == (1, s.NOW + datetime.timedelta(seconds=60))
    scenario.traveller.shift(datetime.timedelta(seconds=60))
    run_week()
    first.refresh_from_db()
    later = s.NOW + datetime.timedelta(seconds=60)
    assert (first.attempts, first.retry_after) == (2, later + datetime.timedelta(minutes=5))


def test_a_permanent_refusal_fails_without_retry(scenario):
    FlakyBackend.failure = smtplib.SMTPRecipientsRefused(
        {"ivo.focal@example.org": (550, b"No such user")}
    )
    run_week()
    assert row(scenario.ivo).status == State.FAILED
    FlakyBackend.failure = None
    run_week()
    assert "Ivo Focal <ivo.focal@example.org>" not in recipients_of_outbox()
    assert row(scenario.ivo).attempts == 1


def test_attempts_are_bounded(scenario):
    FlakyBackend.failure = smtplib.SMTPDataError(451, b"Try again later")
    for attempt in range(delivery.MAX_ATTEMPTS):
        run_week()
        if attempt < len(delivery.RETRY_BACKOFF):
            scenario.traveller.shift(datetime.timedelta(seconds=delivery.RETRY_BACKOFF[attempt]))
    assert row(scenario.ivo).status == State.FAILED
    assert row(scenario.ivo).attempts == delivery.MAX_ATTEMPTS
    FlakyBackend.failure = None
    assert run_week() == []
    assert mail.outbox == []


def test_message_id_is_the_same_on_every_attempt(scenario):
    FlakyBackend.failure = smtplib.SMTPDataError(451, b"Try again later")
    run_week()
    FlakyBackend.failure = None
    scenario.traveller.shift(datetime.timedelta(seconds=delivery.RETRY_BACKOFF[0]))
    run_week()
    ids = {m.to[0]: m.extra_headers["Message-ID"] for m in mail.outbox}
    assert ids["Ivo Focal <ivo.focal@example.org>"] == row(scenario.ivo).message_id


def test_an_error_that_is_not_about_email_is_recorded_and_raised(scenario):
    FlakyBackend.failure = RuntimeError("template bug")
    with pytest.raises(RuntimeError):
        run_week()
    failed = DigestDelivery.objects.get(period=s.PERIOD, attempts=1)
    assert (failed.status, failed.error) == (State.PENDING, "RuntimeError: template bug")


def test_a_partner_with_nothing_open_and_nothing_changed_gets_nothing(scenario):
    row = DigestDelivery.objects.create(
        person=scenario.ada, kind=DigestKind.PARTNER, period=s.PERIOD
    )
    assert delivery.deliver(row.pk).outcome == delivery.Outcome.SKIPPED
    row.refresh_from_db()
    assert (row.status, row.error) == (State.SKIPPED, "nothing open and nothing changed")
    assert mail.outbox == []


def test_someone_who_turned_the_digest_off_gets_nothing(scenario):
    scenario.dana.digest_enabled = False
    scenario.dana.save()
    run_week()
    assert "Dana Core <dana.core@example.org>" not in recipients_of_outbox()
    assert row(scenario.dana).error == "digest turned off by the person"


# --- The sweeper ----------------------------------------------------------------------------
def test_sweeper_requeues_what_the_broker_lost_after_a_grace_period(scenario):
    queued = delivery.prepare_week(s.PERIOD)  # handed to the broker, which then restarts
    assert delivery.sweep() == []  # the tasks may still be on their way
    scenario.traveller.shift(delivery.QUEUED_GRACE + datetime.timedelta(seconds=1))
    assert delivery.sweep() == queued
    for pk in queued:
        delivery.deliver(pk)
    assert recipients_of_outbox() == EXPECTED
    scenario.traveller.shift(delivery.QUEUED_GRACE + datetime.timedelta(seconds=1))
    assert delivery.sweep() == []


def test_sweeper_picks_up_a_row_whose_sender_died(scenario):
    pk = delivery.prepare_week(s.PERIOD)[0]
    delivery.claim(pk)
    assert pk not in delivery.sweep()
    scenario.traveller.shift(delivery.LEASE + datetime.timedelta(seconds=1))
    assert pk in delivery.sweep()


def test_sweeper_gives_up_when_the_last_attempt_was_interrupted(scenario):
    pk = delivery.prepare_week(s.PERIOD)[0]
    DigestDelivery.objects.filter(pk=pk).update(attempts=delivery.MAX_ATTEMPTS - 1)
    delivery.claim(pk)
    scenario.traveller.shift(delivery.LEASE + datetime.timedelta(seconds=1))
    assert pk not in delivery.sweep()
    given_up = DigestDelivery.objects.get(pk=pk)
    assert given_up.status == State.UNCERTAIN  # "Maybe sent": never sent again by itself
    assert "may or may not have gone out" in given_up.error


def test_sweeper_runs_a_lost_weekly_fan_out_once_its_time_has_passed(scenario):
    with time_machine.travel(datetime.datetime(2024, 3, 11, 6, 50, tzinfo=s.TRIPOLI)):
        assert delivery.sweep() == []
        assert not DigestDelivery.objects.filter(period=s.PERIOD).exists()
    with time_machine.travel(datetime.datetime(2024, 3, 11, 7, 5, tzinfo=s.TRIPOLI)):
        assert len(delivery.sweep()) == 4
    assert DigestDelivery.objects.filter(period=s.PERIOD).count() == 4


def test_sweeper_delivers_what_earlier_weeks_left_pending_up_to_four_weeks_back(scenario):
    def pending(weeks_back: int) -> DigestDelivery:
        return DigestDelivery.objects.create(
            person=scenario.dana,
            kind=DigestKind.CORE_GROUP,
            period=s.PERIOD - datetime.timedelta(weeks=weeks_back),
        )

    last_week, a_month_back, older = pending(1), pending(4), pending(5)
    swept = delivery.sweep()
    assert last_week.pk in swept and a_month_back.pk in swept
    assert older.pk not in swept


def test_the_sweep_task_sends_each_week_in_its_own_batch(scenario, eager):
    last_week = s.PERIOD - datetime.timedelta(weeks=1)
    DigestDelivery.objects.create(
        person=scenario.dana, kind=DigestKind.CORE_GROUP, period=last_week
    )
    assert tasks.sweep_deliveries.delay().get() == 5  # this week's four, and last week's
    assert DigestDelivery.objects.get(person=scenario.dana, period=last_week).status == State.SENT


# --- Celery tasks ---------------------------------------------------------------------------
def test_weekly_task_called_twice_sends_one_digest_per_recipient(scenario, eager):
    assert tasks.send_weekly_digests.delay(s.WEEK).get() == 4
    assert tasks.send_weekly_digests.delay(s.WEEK).get() == 0
    assert recipients_of_outbox() == EXPECTED


def test_weekly_task_defaults_to_the_current_week(scenario, eager):
    tasks.send_weekly_digests.delay()
    assert DigestDelivery.objects.filter(period=s.PERIOD).count() == 4


def test_weekly_task_queues_the_recipients_in_batches(scenario, monkeypatch):
    monkeypatch.setattr(tasks, "BATCH_SIZE", 3)
    with mock.patch.object(tasks.send_digest_batch, "delay") as delay:
        assert tasks.send_weekly_digests.run(s.WEEK) == 4
    # The core group first, then partners by organisation, so that batches of partners
    # share organisations.
    rows = DigestDelivery.objects.filter(period=s.PERIOD).select_related("person")
    ids = [
        row.pk
        for row in sorted(
            rows, key=lambda r: (r.kind != DigestKind.CORE_GROUP, r.person.organization_id, r.pk)
        )
    ]
    assert [c.args for c in delay.call_args_list] == [
        (ids[:3], s.PERIOD.isoformat()),
        (ids[3:], s.PERIOD.isoformat()),
    ]
    assert mail.outbox == []  # nothing is sent until the batches run


def test_a_batch_sends_its_deliveries_and_hands_temporary_failures_to_a_retry(scenario):
    ids = delivery.prepare_week(s.PERIOD)
    FlakyBackend.failure = smtplib.SMTPResponseException(451, b"Try again later")
    tasks.send_digest_batch.push_request(is_eager=False)
    try:
        with mock.patch.object(tasks.send_digest, "apply_async") as retry:
            assert tasks.send_digest_batch.run(ids, s.PERIOD.isoformat()) == len(ids)
    finally:
        tasks.send_digest_batch.pop_request()
    retried = [c.args[0][0] for c in retry.call_args_list]
    sent_or_skipped = DigestDelivery.objects.filter(pk__in=ids).exclude(status=State.PENDING)
    assert sorted(retried) == sorted(set(ids) - set(sent_or_skipped.values_list("pk", flat=True)))
    assert retried and all(c.kwargs == {"countdown": 60} for c in retry.call_args_list)
    assert mail.outbox == []

    FlakyBackend.failure = None
    scenario.traveller.shift(datetime.timedelta(seconds=61))
    for pk in retried:
        tasks.send_digest.run(pk)
    assert recipients_of_outbox() == EXPECTED
    assert set(
        DigestDelivery.objects.filter(pk__in=retried).values_list("attempts", flat=True)
    ) == {2}


def test_send_digest_task_asks_celery_to_retry_after_the_back_off(scenario):
    pk = delivery.prepare_week(s.PERIOD)[0]
    FlakyBackend.failure = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch.object(tasks.send_digest, "retry", side_effect=lambda countdown: Retry()):
        tasks.send_digest.push_request(is_eager=False)
        try:
            with pytest.raises(Retry):
                tasks.send_digest.run(pk)
        finally:
            tasks.send_digest.pop_request()
        tasks.send_digest.retry.assert_called_once_with(countdown=60)


def test_send_digest_task_in_process_leaves_the_retry_to_the_next_run(scenario, eager):
    pk = delivery.prepare_week(s.PERIOD)[0]
    FlakyBackend.failure = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    assert tasks.send_digest.delay(pk).get() == delivery.Outcome.RETRY
    assert DigestDelivery.objects.get(pk=pk).attempts == 1


def test_sweep_task_queues_and_sends_lost_deliveries(scenario, eager):
    delivery.prepare_week(s.PERIOD)
    scenario.traveller.shift(delivery.QUEUED_GRACE + datetime.timedelta(seconds=1))
    assert tasks.sweep_deliveries.delay().get() == 4
    assert recipients_of_outbox() == EXPECTED
