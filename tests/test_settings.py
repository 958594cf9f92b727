"""Settings read from the environment. Each test imports ``pimtracker.settings`` in a fresh
Python process with a given environment, so that the module-level parsing really runs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything the settings module reads; a test starts from none of them set.
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "EMAIL_URL",
    "CELERY_BROKER_URL",
    "TIME_ZONE",
    "VAR_DIR",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "CONN_MAX_AGE",
    "ROOT_URLCONF",
    "STATIC_ROOT",
    "BEHIND_TLS_PROXY",
    "DJANGO_SETTINGS_MODULE",
    "SESSION_IDLE_HOURS",
    "SESSION_MAX_DAYS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CACHE_URL",
    "DATABASE_PREPARED_STATEMENTS",
)
# The settings a test may look at; lazy translations (LANGUAGES) cannot be printed before
# Django is set up, so the child prints only these.
SHOWN = (
    "DATABASES",
    "DEBUG",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_FILE_PATH",
    "TIME_ZONE",
    "CELERY_TIMEZONE",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_AGE",
    "SESSION_ABSOLUTE_LIFETIME",
    "SESSION_ENGINE",
    "CACHES",
)
PRODUCTION_KEY = "k" * 20 + "-a-long-random-production-secret-key-for-tests"


def load_settings(**environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(environment)
    script = (
        "import json, pimtracker.settings as s; "
        f"print(json.dumps({{k: getattr(s, k, None) for k in {SHOWN!r}}}))"
    )
    return subprocess.run(  # noqa: S603 — our own interpreter and a fixed script
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_with(**environment: str) -> dict:
    process = load_settings(**environment)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout.splitlines()[-1])


def test_database_url_for_postgresql():
    s = settings_with(DATABASE_URL="postgres://pim:secret@db.internal:5433/pimtracker")
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["HOST"], db["PORT"]) == (
        "pimtracker",
        "pim",
        "db.internal",
        5433,
    )
    assert db["CONN_HEALTH_CHECKS"] is True
    # Prepared statements (pimtracker/postgres.py): values sent apart, prepared on reuse.
    assert db["OPTIONS"]["server_side_binding"] is True
    assert db["OPTIONS"]["prepare_threshold"] == 5


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    s = settings_with(
        DATABASE_URL="postgres://pim:secret@db.internal:5433/pimtracker",
        DATABASE_PREPARED_STATEMENTS="0",
    )
    options = s["DATABASES"]["default"]["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_default_database_is_sqlite_under_var():
    db = settings_with()["DATABASES"]["default"]
    assert db["ENGINE"] == "pimtracker.sqlite"  # Django's, flushing the journal last
    assert db["NAME"] == str(BASE_DIR / "var" / "pimtracker.sqlite3")


def test_smtp_url_with_tls():
    s = settings_with(EMAIL_URL="smtp://u:p@mail.example.org:587/?tls=True")
    assert s["EMAIL_BACKEND"] == "pimtracker.mail.EmailBackend"
    assert (s["EMAIL_HOST"], s["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert (s["EMAIL_HOST_USER"], s["EMAIL_HOST_PASSWORD"]) == ("u", "p")
    assert s["EMAIL_USE_TLS"] is True


def test_smtp_url_with_tls_false_turns_tls_off():
    s = settings_with(EMAIL_URL="smtp://u:p@mail.example.org:587/?tls=False")
    assert s["EMAIL_USE_TLS"] is False


def test_console_email_url():
    s = settings_with(EMAIL_URL="console:")
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_default_email_goes_to_files_under_var_mail():
    s = settings_with()
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(s["EMAIL_FILE_PATH"]).is_absolute()
    assert s["EMAIL_FILE_PATH"] == str(BASE_DIR / "var" / "mail")


def test_file_email_url_keeps_an_absolute_path():
    s = settings_with(EMAIL_URL="file:///srv/pim/mail")
    assert s["EMAIL_FILE_PATH"] == "/srv/pim/mail"


def test_default_time_zone_is_tripoli():
    s = settings_with()
    assert s["TIME_ZONE"] == "Africa/Tripoli"
    assert s["CELERY_TIMEZONE"] == "Africa/Tripoli"


def test_production_without_a_secret_key_refuses_to_start():
    process = load_settings(DEBUG="0")
    assert process.returncode != 0
    assert "SECRET_KEY" in process.stderr


def test_production_with_a_short_secret_key_refuses_to_start():
    process = load_settings(DEBUG="0", SECRET_KEY="short")
    assert process.returncode != 0
    assert "SECRET_KEY" in process.stderr


def test_production_with_a_real_secret_key_starts_with_secure_cookies():
    s = settings_with(DEBUG="0", SECRET_KEY=PRODUCTION_KEY)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    "key",
    ["a" * 60, "abcd" * 20, "django-insecure-" + "q8Zp3xY7mK2vB9nL4wR6tH1jF5sD0gC" * 2],
)
def test_production_with_a_low_entropy_secret_key_refuses_to_start(key):
    # What `check --deploy` calls security.W009: too few different characters, or the
    # prefix of a key that startproject made for development.
    process = load_settings(DEBUG="0", SECRET_KEY=key)
    assert process.returncode != 0
    assert "SECRET_KEY" in process.stderr


def test_production_cookies_carry_the_host_prefix():
    s = settings_with(DEBUG="0", SECRET_KEY=PRODUCTION_KEY)
    assert s["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert s["CSRF_COOKIE_NAME"] == "__Host-csrftoken"


def test_cookies_without_https_keep_their_plain_names():
    # Browsers refuse a __Host- cookie that is not secure: the laptop would never sign in.
    assert not (settings_with()["SESSION_COOKIE_NAME"] or "").startswith("__Host-")
    s = settings_with(DEBUG="0", SECRET_KEY=PRODUCTION_KEY, SESSION_COOKIE_SECURE="0")
    assert not (s["SESSION_COOKIE_NAME"] or "").startswith("__Host-")


def test_sessions_default_to_eight_idle_hours_and_seven_days():
    s = settings_with()
    assert s["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert s["SESSION_ABSOLUTE_LIFETIME"] == 7 * 24 * 60 * 60
    s = settings_with(SESSION_IDLE_HOURS="1", SESSION_MAX_DAYS="2")
    assert s["SESSION_COOKIE_AGE"] == 60 * 60
    assert s["SESSION_ABSOLUTE_LIFETIME"] == 2 * 24 * 60 * 60


def test_without_a_broker_tasks_run_in_process():
    assert settings_with(CELERY_BROKER_URL="")["CELERY_TASK_ALWAYS_EAGER"] is True
    assert settings_with()["CELERY_TASK_ALWAYS_EAGER"] is True


def test_with_a_broker_tasks_go_to_it():
    s = settings_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert s["CELERY_TASK_ALWAYS_EAGER"] is False
    assert s["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/0"


def test_without_a_cache_url_sessions_stay_in_the_database():
    s = settings_with()
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert s["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_a_cache_url_shares_the_cache_and_reads_sessions_from_it():
    s = settings_with(CACHE_URL="redis://127.0.0.1:6379/3")
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert s["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert s["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"
