"""The profile behind a slow page: EXPLAIN ANALYZE of every statement a page runs.

    python -m bench.explain SIZE [PAGE ...]

Reads the statements ``make bench`` captured (bench/data/probe-SIZE.json) and prints each
one's plan with its timings, slowest first, from the benchmark database of that size.
"""

import json
import sys
from pathlib import Path

from bench import database
from pimtracker import postgres

WORK = Path(__file__).resolve().parent / "data"


def explain(url: str, statement: str) -> tuple[float, str]:
    with database.connect(url) as conn:
        # As the site's own connections are set.
        for name, value in postgres.SESSION_SETTINGS.items():
            conn.execute(f"SET {name} = {value}")
        rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) {statement}").fetchall()
    plan = "\n".join(row[0] for row in rows)
    total = float(rows[-1][0].split(":")[1].split()[0]) if "Execution Time" in rows[-1][0] else 0
    return total, plan


def main(size: int, pages: list[str]) -> None:
    captured = json.loads((WORK / f"probe-{size}.json").read_text())
    url = database.database_url(size)
    for page in captured["pages"]:
        if pages and page["name"] not in pages:
            continue
        timed = [(*explain(url, sql), sql) for sql in page["statements"]]
        print(
            f"=== {page['name']} {page['path']}: {len(timed)} queries, "
            f"{sum(t for t, _, _ in timed):.1f} ms in the database"
        )
        for total, plan, sql in sorted(timed, key=lambda t: -t[0]):
            print(f"--- {total:.2f} ms\n{sql[:600]}\n{plan}\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
