"""A passing error affects one recipient: their own retry after a back-off that no sweep or
rerun cuts short, while the batch goes on; and the claim checks, at the moment of sending,
that the person still wants the digest (unsubscribed or left meanwhile: nothing sent)."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from actions.digests import delivery
from actions.digests.recipients import set_digest_enabled
from actions.models import DigestDelivery
from participants.models import Person
from tests.actions.digests import scenario as s

from .test_delivery import EXPECTED, recipients_of_outbox, row, run_week

State = DigestDelivery.State


class Scripted(LocmemBackend):
    """The outbox, raising ``failures[address]`` once for that address, and calling
    ``before_first`` before the first message of the run."""

    failures: dict[str, Exception] = {}
    before_first = None

    def send_messages(self, messages):
        if Scripted.before_first is not None:
            hook, Scripted.before_first = Scripted.before_first, None
            hook()
        for message in messages:
            failure = Scripted.failures.pop(message.to[0], None)
            if failure is not None:
                raise failure
        return super().send_messages(messages)


@pytest.fixture
def scenario(plan, organizations, coordinator, settings):
    settings.EMAIL_BACKEND = f"{__name__}.Scripted"
    Scripted.failures, Scripted.before_first = {}, None
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    with s.at(2024, 3, 11, 7, 0) as traveller:
        data.traveller = traveller
        yield data
    Scripted.failures, Scripted.before_first = {}, None


@pytest.mark.parametrize(
    "failure",
    [
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("timed out"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPDataError(451, b"4.3.0 Try again later"),
    ],
    ids=["reset", "timeout", "disconnected", "451"],
)
def test_a_passing_error_retries_that_recipient_alone_and_the_batch_goes_on(scenario, failure):
    Scripted.failures = {EXPECTED[1]: failure}  # Dana, second in the batch
    results = run_week()
    assert not any(r.stop_batch for r in results)
    assert recipients_of_outbox() == [EXPECTED[0], EXPECTED[2]]
    waiting = row(scenario.dana)
    assert (waiting.status, waiting.attempts) == (State.PENDING, 1)
    assert waiting.retry_after == s.NOW + datetime.timedelta(seconds=delivery.RETRY_BACKOFF[0])
    assert type(failure).__name__ in waiting.error

    # Neither a rerun nor the sweeper takes the row while it waits...
    assert run_week() == []
    assert delivery.sweep(s.NOW + datetime.timedelta(seconds=30)) == []
    assert row(scenario.dana).attempts == 1
    # ...and once the wait is over, it is delivered, once.
    scenario.traveller.shift(datetime.timedelta(seconds=delivery.RETRY_BACKOFF[0]))
    assert delivery.sweep() == [waiting.pk]
    run_week()
    assert recipients_of_outbox() == EXPECTED
    assert (row(scenario.dana).status, row(scenario.dana).attempts) == (State.SENT, 2)


def test_only_a_server_that_cannot_be_reached_stops_the_batch(scenario):
    Scripted.failures = {EXPECTED[0]: ConnectionRefusedError(111, "Connection refused")}
    results = run_week()
    assert [r.outcome for r in results] == [delivery.Outcome.RETRY]
    assert results[0].stop_batch
    assert mail.outbox == []


def test_unsubscribing_while_the_batch_runs_stops_that_weeks_digest(scenario):
    ivo = Person.objects.get(pk=scenario.ivo.pk)
    Scripted.before_first = lambda: set_digest_enabled(ivo, False)  # the one-click link
    run_week()
    assert recipients_of_outbox() == EXPECTED[:2]
    assert (row(scenario.ivo).status, row(scenario.ivo).error) == (
        State.SKIPPED,
        "digest turned off by the person",
    )
    assert (row(scenario.nora).status, row(scenario.nora).error) == (
        State.SKIPPED,
        "no e-mail address",
    )


def test_leaving_while_the_batch_runs_stops_that_weeks_digest(scenario):
    def leave():
        Person.objects.filter(pk=scenario.dana.pk).update(left_on=s.PERIOD)

    Scripted.before_first = leave
    run_week()
    assert recipients_of_outbox() == [EXPECTED[0], EXPECTED[2]]
    assert (row(scenario.dana).status, row(scenario.dana).error) == (
        State.SKIPPED,
        "left their post",
    )
    # A single retry task checks the same, at its own moment.
    assert delivery.deliver(row(scenario.dana).pk).outcome == delivery.Outcome.NOT_CLAIMED
