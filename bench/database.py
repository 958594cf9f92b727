"""One PostgreSQL database per data-set size, created, migrated and loaded when needed."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PLAN_KEY = "synthetic-load"  # actions.synthetic.PLAN_KEY, read here without Django


def server_url() -> str:
    """DATABASE_URL when it names PostgreSQL, else the local default server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return DEFAULT_URL
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"The benchmark runs on PostgreSQL; DATABASE_URL is {url!r}.")
    return url


def database_url(size: int | str) -> str:
    """The URL of the benchmark database for ``size`` action points, on the same server."""
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path=f"/pimtracker_bench_{size}"))


def _conninfo(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1).replace("pgsql://", "postgresql://", 1)


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(_conninfo(url), autocommit=True)


def server_version() -> str:
    with connect(server_url()) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def create_if_missing(url: str) -> bool:
    """Create the database of ``url`` on its server; True when it was created."""
    name = urlsplit(url).path.lstrip("/")
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with connect(maintenance) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def loaded_size(url: str) -> int:
    """How many synthetic action points the database holds (0 before the first load)."""
    with connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM actions_actionpoint ap"
            " JOIN actions_actionplan p ON p.id = ap.plan_id WHERE p.key = %s",
            [PLAN_KEY],
        ).fetchone()
    return int(row[0]) if row else 0


def manage(env: dict[str, str], *args: str) -> None:
    """Run ``manage.py`` with ``env``; its output goes to the terminal, a failure stops the run."""
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def prepare(size: int, env: dict[str, str], log) -> None:
    """Create, migrate and load the database of ``env["DATABASE_URL"]`` with ``size`` items.

    A database already loaded with ``size`` items is reused: loading 100,000 takes a while.
    """
    url = env["DATABASE_URL"]
    if create_if_missing(url):
        log(f"created database {urlsplit(url).path.lstrip('/')}")
    manage(env, "migrate", "--noinput", "-v", "0")
    current = loaded_size(url)
    if current == size:
        log(f"reusing {size:,} action points")
    else:
        log(f"loading {size:,} action points (had {current:,})")
        manage(env, "generate_load_data", "--actions", str(size), "--replace")
    with connect(url) as conn:
        conn.execute("ANALYZE")
