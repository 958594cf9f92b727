"""The floor: a bare view that runs a page's own SQL through a raw cursor.

For each page the benchmark captures the statements the page runs (with their parameters
interpolated) into the file named by ``BENCH_FLOOR_FILE``; this view replays them and
returns the rows as minimal HTML. What a page costs beyond its floor is the ORM, the
forms and the templates: the part the application, not the database, decides.
Only ``bench/urls.py`` routes to it; the project's own URLconf never does.
"""

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from html import escape

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, StreamingHttpResponse

# A streamed page (``QuerySet.iterator``) reads through a server-side cursor; so does its
# floor, in chunks of the same size as Django's default.
DECLARE = re.compile(r"^DECLARE\s+\S+\s.*?\bCURSOR\b.*?\bFOR\s+(.*)$", re.DOTALL | re.IGNORECASE)
CHUNK = 2000


@cache
def statements() -> dict[str, list[str]]:
    with open(os.environ["BENCH_FLOOR_FILE"], encoding="utf-8") as file:
        return json.load(file)


def _html(rows: list[tuple]) -> str:
    return "".join(
        "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>"
        for row in rows
    )


def _tables(sql: list[str]) -> Iterator[str | bytes]:
    yield "<!doctype html><title>floor</title>"
    for statement in sql:
        if statement.lstrip().upper().startswith("COPY"):
            # The CSV export on PostgreSQL: the database writes the lines; so does the floor.
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for data in copy:
                    yield bytes(data)
            continue
        declared = DECLARE.match(statement)
        if declared:
            with connection.chunked_cursor() as cursor:
                cursor.execute(declared.group(1))
                yield "<table>"
                while rows := cursor.fetchmany(CHUNK):
                    yield _html(rows)
                yield "</table>"
        else:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                yield f"<table>{_html(cursor.fetchall())}</table>"


# The captured statements already include the session and user lookups of the signed-in
# page; this view reads neither itself, so that nothing is counted twice.
@login_not_required
def floor(request: HttpRequest, page: str) -> StreamingHttpResponse:
    try:
        sql = statements()[page]
    except KeyError:
        raise Http404(page) from None
    return StreamingHttpResponse(_tables(sql), content_type="text/html; charset=utf-8")
