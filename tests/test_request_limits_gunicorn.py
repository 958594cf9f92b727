"""The request limits against the real server: gunicorn with the deploy recipe's
configuration (deploy/gunicorn.conf.py: gthread, one process here, four threads), without
nginx in front (nginx is what production adds: it buffers whole requests, and these tests
show what holds even without it).

Every socket here has a timeout, so a server that hangs fails the test instead of
hanging the suite.
"""

import socket
import threading
import time
from pathlib import Path

import pytest

from tests.test_deploy import PUBLIC_HOST, fetch, gunicorn_running

GIGABYTE = 1024**3
CLIENT_TIMEOUT = 15  # seconds: far longer than any answer here takes
# How long a slow client keeps sending: a server that serves one request at a time answers
# the third user only after this, and the test fails.
SLOW_SECONDS = 20


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def read_reply(connection: socket.socket) -> bytes:
    reply = b""
    while b"\r\n\r\n" not in reply:
        chunk = connection.recv(65536)
        if not chunk:
            break
        reply += chunk
    return reply


def headers(method: str, path: str, **fields: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {PUBLIC_HOST}", "X-Forwarded-Proto: https"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.fixture
def spool_dir(tmp_path: Path) -> Path:
    """The server's temporary directory, where Django spools uploads too large for memory."""
    path = tmp_path / "spool"
    path.mkdir()
    return path


@pytest.fixture
def site(tmp_path: Path, spool_dir: Path):
    with gunicorn_running(tmp_path, TMPDIR=str(spool_dir)) as port:
        yield port


@pytest.mark.services
def test_an_anonymous_one_gigabyte_upload_is_refused_before_it_is_read(site, spool_dir):
    boundary = "pim-boundary"
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", site), timeout=CLIENT_TIMEOUT) as connection:
        connection.sendall(
            headers(
                "POST",
                "/accounts/login/",
                Content_Type=f"multipart/form-data; boundary={boundary}",
                Content_Length=str(GIGABYTE),
            )
        )
        # The first megabyte of the gigabyte; the answer comes without waiting for the rest.
        connection.sendall(part + b"\0" * (1024**2 - len(part)))
        reply = read_reply(connection)
    assert status_of(reply) == 413, reply[:300]
    assert list(spool_dir.iterdir()) == []


@pytest.mark.services
def test_an_anonymous_chunked_upload_is_refused_unread(site, spool_dir):
    with socket.create_connection(("127.0.0.1", site), timeout=CLIENT_TIMEOUT) as connection:
        connection.sendall(
            headers(
                "POST",
                "/accounts/login/",
                Content_Type="application/x-www-form-urlencoded",
                Transfer_Encoding="chunked",
            )
        )
        connection.sendall(b"10000\r\n" + b"a" * 65536 + b"\r\n")
        reply = read_reply(connection)
    assert status_of(reply) == 413, reply[:300]
    assert list(spool_dir.iterdir()) == []


@pytest.mark.services
def test_two_clients_sending_a_byte_a_second_do_not_stop_a_third_user(site):
    stop = threading.Event()
    started = threading.Barrier(3, timeout=CLIENT_TIMEOUT)
    gave_up = []  # slow clients that sent for SLOW_SECONDS without the third being answered

    def slow_client() -> None:
        with socket.create_connection(("127.0.0.1", site), timeout=CLIENT_TIMEOUT) as connection:
            connection.sendall(
                headers(
                    "POST",
                    "/accounts/login/",
                    Content_Type="application/x-www-form-urlencoded",
                    Content_Length="1000",
                )
            )
            connection.sendall(b"u")
            started.wait()
            # A byte a second until the third user has been answered.
            for _ in range(SLOW_SECONDS):
                if stop.wait(1):
                    return
                connection.sendall(b"u")
            gave_up.append(True)

    slow = [threading.Thread(target=slow_client) for _ in range(2)]
    for thread in slow:
        thread.start()
    try:
        started.wait()
        time.sleep(1)  # both slow bodies are being read by the server
        status, _, page = fetch(site, "/accounts/login/")
    finally:
        stop.set()
        for thread in slow:
            thread.join(timeout=CLIENT_TIMEOUT)
    assert status == 200
    assert "Sign in" in page
    # Answered while both slow clients were still sending, not once they had given up.
    assert not gave_up
    assert not any(thread.is_alive() for thread in slow)
