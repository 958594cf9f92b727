"""A batch's messages sent by a few threads at once.

A digest spends about half of its time waiting: for the SMTP server's reply to each of its
commands, and for the database to commit its claim and then its "sent". Another thread's
digest is built and drawn meanwhile. Each thread has its own SMTP connection and (Django's
are per thread) its own database connection, closed when it is done. Nothing about who
sends changes: the threads take ids from one queue, never the same one twice, and the claim
of each row still decides.

Only on PostgreSQL and outside a transaction: SQLite writes one at a time, so its threads
would only wait for each other, and other threads' connections could not see the rows that
the caller's open transaction wrote.
"""

import contextlib
import queue
import smtplib
import threading
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connections

R = TypeVar("R")


def sender_count(alias: str) -> int:
    """How many threads send a batch on the database ``alias``: ``DIGEST_SENDERS``, or one."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, settings.DIGEST_SENDERS)


def send_all(
    ids: list[int],
    send: Callable[[int, SMTPBackend | None], R],
    *,
    stops: Callable[[R], bool],
    threads: int = 1,
) -> dict[int, R]:
    """``send(id, connection)`` for each id, by ``threads`` threads, until a result
    ``stops`` the batch (the server is down): then each thread ends after the message it is
    on. Returns the result of each id sent. ``connection``: an open SMTP connection of the
    thread's, kept for its messages, or None for the other backends (files, console), which
    take a connection of their own per message. An exception raised by ``send`` stops the
    batch, and is raised here once every thread has ended."""
    waiting: queue.SimpleQueue[int] = queue.SimpleQueue()
    for pk in ids:
        waiting.put(pk)
    results: dict[int, R] = {}
    stopping = threading.Event()
    errors: list[BaseException] = []

    def sender() -> None:
        backend = get_connection()
        connection = backend if isinstance(backend, SMTPBackend) else None
        try:
            while not stopping.is_set():
                try:
                    pk = waiting.get_nowait()
                except queue.Empty:
                    return
                results[pk] = result = send(pk, connection)
                if stops(result):
                    stopping.set()
        except BaseException as error:
            errors.append(error)
            stopping.set()
        finally:
            if connection is not None:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    connection.close()

    def in_own_thread() -> None:
        try:
            sender()
        finally:
            connections.close_all()  # this thread's database connections, not the caller's

    # A retry of one digest is sent from the caller's thread, over its own connections.
    if min(threads, len(ids)) <= 1:
        sender()
    else:
        started = [threading.Thread(target=in_own_thread) for _ in range(min(threads, len(ids)))]
        for thread in started:
            thread.start()
        for thread in started:
            thread.join()
    if errors:
        raise errors[0]
    return results
