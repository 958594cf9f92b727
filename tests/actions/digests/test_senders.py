"""A batch sent by several threads (``actions/digests/senders.py``): each id sent once, the
batch stopped for every thread by one that finds the server down, an error raised once all
have ended; and through a real SMTP server on PostgreSQL, one e-mail a recipient."""

import threading
import time

import pytest
from django.db import connection

from actions.digests import delivery, senders
from actions.models import DigestDelivery
from pimtracker.settings import _email_settings
from tests.actions.digests import scenario as s
from tests.conftest import need_service

from .test_smtp import EXPECTED, SMTPServer

State = DigestDelivery.State


def _sender(log: list[tuple[int, str]], *, stop_at: int | None = None, fail_at: int | None = None):
    def send(pk: int, smtp) -> str:
        time.sleep(0.002)  # long enough for the threads to take turns
        log.append((pk, threading.current_thread().name))
        if pk == fail_at:
            raise RuntimeError("not an e-mail error")
        return "stop" if pk == stop_at else "sent"

    return send


def test_several_threads_send_each_id_once():
    log: list[tuple[int, str]] = []
    ids = list(range(60))
    results = senders.send_all(ids, _sender(log), stops=lambda r: r == "stop", threads=3)
    assert results == dict.fromkeys(ids, "sent")
    assert sorted(pk for pk, _thread in log) == ids  # none twice
    assert len({thread for _pk, thread in log}) > 1


def test_one_thread_finding_the_server_down_stops_them_all():
    log: list[tuple[int, str]] = []
    ids = list(range(60))
    results = senders.send_all(
        ids, _sender(log, stop_at=10), stops=lambda r: r == "stop", threads=3
    )
    assert results[10] == "stop"
    # Each thread ends after the message it is on: the rest are left to the retry.
    assert len(results) <= 10 + 1 + 3
    assert sorted(results) == sorted(pk for pk, _thread in log)


def test_an_error_stops_the_batch_and_is_raised_once_every_thread_ended():
    log: list[tuple[int, str]] = []
    with pytest.raises(RuntimeError, match="not an e-mail error"):
        senders.send_all(list(range(60)), _sender(log, fail_at=5), stops=lambda r: False, threads=3)
    count = len(log)
    time.sleep(0.05)
    assert len(log) == count < 60  # nothing still sending


def test_one_sender_in_a_transaction_or_on_sqlite(db, settings):
    settings.DIGEST_SENDERS = 3
    # The test's transaction: other threads' connections could not see its rows.
    assert senders.sender_count("default") == 1


@pytest.mark.services
def test_threads_send_one_digest_a_recipient_through_a_real_server(
    transactional_db, plan, organizations, coordinator, settings
):
    need_service(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    server = SMTPServer()
    server.start()
    try:
        for name, value in _email_settings(f"smtp://127.0.0.1:{server.port}").items():
            setattr(settings, name, value)
        settings.DIGEST_SENDERS = 3
        s.build(plan=plan, organizations=organizations, coordinator=coordinator)
        with s.at(2024, 3, 11, 7, 0):
            assert senders.sender_count("default") == 3
            ids = delivery.prepare_week(s.PERIOD)
            results = delivery.deliver_batch(ids, period=s.PERIOD)
            again = delivery.deliver_batch(ids, period=s.PERIOD)  # a rerun sends nothing
    finally:
        server.stop()
    assert server.inbox.to == EXPECTED
    assert [r.delivery_id for r in results] == ids  # in the batch's order
    sent = DigestDelivery.objects.filter(pk__in=ids, status=State.SENT)
    assert sent.count() == len(EXPECTED)
    assert {r.outcome for r in again} <= {delivery.Outcome.NOT_CLAIMED, delivery.Outcome.SKIPPED}
