"""The deploy recipe in deploy/, run as a server would run it: the environment template,
collectstatic, then gunicorn with the recipe's gunicorn.conf.py and DEBUG off."""

import contextlib
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_settings import SETTINGS_VARIABLES

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY = BASE_DIR / "deploy"
PUBLIC_HOST = "pimtracker.example.org"


def recipe_environment(tmp_path: Path) -> dict[str, str]:
    """The environment file of the recipe, with its placeholders filled as an operator would."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    for line in (DEPLOY / "pimtracker.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        # A file database and mail directory of the test's own, in place of the server's.
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        EMAIL_URL=f"file://{tmp_path / 'mail'}",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="pimtracker.settings",
    )
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_recipe_environment_leaves_no_placeholder_but_secrets():
    text = (DEPLOY / "pimtracker.env.example").read_text()
    assert "DEBUG=0" in text
    # Only placeholders, never a real secret, are in the repository.
    assert re.search(r"^SECRET_KEY=CHANGE-ME$", text, re.MULTILINE)


def test_check_deploy_is_clean_with_the_recipe_settings(tmp_path):
    process = manage(recipe_environment(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert process.returncode == 0, process.stdout + process.stderr
    assert "System check identified no issues" in process.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn_site(tmp_path: Path) -> Iterator[int]:
    with gunicorn_running(tmp_path) as port:
        yield port


@contextlib.contextmanager
def gunicorn_running(tmp_path: Path, **extra_env: str) -> Iterator[int]:
    """gunicorn with the recipe's configuration (one worker process), on a free port."""
    env = recipe_environment(tmp_path)
    collected = manage(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    env.update(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", **extra_env)
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 — gunicorn from our own environment
            [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(port: int, path: str) -> tuple[int, dict[str, str], str]:
    """A request as nginx passes it on: the public host name, and HTTPS said in a header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


@pytest.mark.services
def test_gunicorn_with_debug_off_serves_the_styled_sign_in_page(gunicorn_site):
    status, _, page = fetch(gunicorn_site, "/accounts/login/")
    assert status == 200, page
    assert "Sign in" in page
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", href)

    status, headers, css = fetch(gunicorn_site, href)
    assert status == 200
    assert headers["content-type"].startswith("text/css")
    assert "max-age=315360000" in headers["cache-control"]
    assert ".site-header" in css

    status, _, page = fetch(gunicorn_site, "/no-such-page/")
    assert status == 404
    assert "<h1>Page not found</h1>" in page and href in page
