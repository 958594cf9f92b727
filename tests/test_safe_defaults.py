"""Safe defaults: DEBUG cannot be left on for a public host name, and `make run` links to
the address it actually serves on."""

import os
import shutil
import subprocess

import pytest

from tests.test_settings import BASE_DIR, PRODUCTION_KEY, load_settings, settings_with


@pytest.mark.parametrize(
    "hosts", ["pim.example.org", "127.0.0.1,pim.example.org", "*", "10.0.0.5", ".example.org"]
)
def test_debug_on_refuses_to_start_for_a_host_that_is_not_local(hosts):
    process = load_settings(ALLOWED_HOSTS=hosts)
    assert process.returncode != 0
    assert "ImproperlyConfigured" in process.stderr
    assert "DEBUG" in process.stderr and "ALLOWED_HOSTS" in process.stderr


def test_debug_is_on_by_default_for_the_local_addresses():
    assert settings_with()["DEBUG"] is True
    assert settings_with(ALLOWED_HOSTS="localhost,127.0.0.1,[::1]")["DEBUG"] is True


def test_debug_off_accepts_a_public_host():
    s = settings_with(
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="pim.example.org",
        SITE_URL="https://pim.example.org",
    )
    assert s["DEBUG"] is False


def make_run_dry(**variables: str) -> str:
    """The commands `make run` would run, without running them."""
    need = shutil.which("make")
    if need is None:
        pytest.fail("make is required to test the Makefile")
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    env.update(variables)
    process = subprocess.run(  # noqa: S603 — make, with a fixed target
        [need, "--no-print-directory", "-n", "run"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return process.stdout


def test_make_run_links_to_the_port_it_serves_on():
    commands = make_run_dry(PORT="8101")
    assert "SITE_URL='http://127.0.0.1:8101'" in commands
    assert "runserver 127.0.0.1:8101" in commands
    assert ":8000" not in commands


def test_make_run_keeps_a_site_url_that_is_set():
    commands = make_run_dry(PORT="8101", SITE_URL="https://pim.example.org")
    assert "SITE_URL='https://pim.example.org'" in commands
    assert "127.0.0.1:8101'" not in commands
