"""Each page's own time, without the web server: ``python -m bench.inprocess SIZE [PAGE ...]``.

Calls the project's WSGI handler in this process, under the bench's production settings
(``server.production_env``: DEBUG off, sessions in Redis), on the benchmark database of
SIZE items that ``make bench`` loaded, for the pages of ``bench.probe``. Prints each
page's median time, the median time of its SQL, and the median CPU time of this process:
Python's own work, as the database works in a process of its own. Quieter than wrk over
HTTP, so that two versions of the code can be compared back to back on a busy machine: run
it in a checkout of each (``git worktree``), against the same database. The recorded
results still come from ``make bench``.
"""

import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import database, server

REQUESTS = 15
WARMUP = 3


def _environ(path: str, cookie: str) -> dict:
    route, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": server.HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": server.HOST,
        "HTTP_COOKIE": cookie,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }


def _request(app: Callable, path: str, cookie: str) -> str:
    """One GET, read to the end; returns the status line."""
    status: list[str] = []
    body = app(_environ(path, cookie), lambda line, headers, exc_info=None: status.append(line))
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return status[0]


def application(size: int, *, collect_static: bool = True) -> Callable:
    """The project's WSGI handler in this process, under the bench's production settings, on
    the benchmark database of ``size`` items. ``collect_static``: DEBUG off serves the hashed
    names of the static files' manifest, which must exist (a caller that made it says so)."""
    env = server.production_env(database.database_url(size), Path(os.devnull))
    if collect_static:
        server.collect_static(env)
    os.environ.update(env)
    os.environ["ROOT_URLCONF"] = "pimtracker.urls"
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def main(size: int, only: set[str]) -> None:
    app = application(size)
    from django.db import connection

    from bench import probe

    sql_ms: list[float] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_ms.append((time.perf_counter() - start) * 1000)

    cookies: dict[str, str] = {}
    print(
        f"{'page':<14} {'status':<8} {'p50 ms':>8} {'SQL p50 ms':>11} {'CPU p50 ms':>11}"
        f" {'queries':>8}"
    )
    for page in probe.pages():
        if page.name == "export-csv" or (only and page.name not in only):
            continue
        cookie = cookies.setdefault(page.user, probe.sign_in(page.user))
        for _ in range(WARMUP):
            status = _request(app, page.path, cookie)
        totals, sqls, cpus = [], [], []
        with connection.execute_wrapper(timed):
            for _ in range(REQUESTS):
                sql_ms.clear()
                start, cpu = time.perf_counter(), time.process_time()
                _request(app, page.path, cookie)
                cpus.append((time.process_time() - cpu) * 1000)
                totals.append((time.perf_counter() - start) * 1000)
                sqls.append(sum(sql_ms))
        print(
            f"{page.name:<14} {status.split()[0]:<8} {statistics.median(totals):8.1f}"
            f" {statistics.median(sqls):11.1f} {statistics.median(cpus):11.1f} {len(sql_ms):8d}",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(int(sys.argv[1]), set(sys.argv[2:]))
