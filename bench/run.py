"""make bench: PIM Tracker's pages and digests at 1k, 10k and 100k action points.

For each size: a PostgreSQL database ``pimtracker_bench_<size>`` on the server of
DATABASE_URL (created, migrated and loaded with ``generate_load_data`` when needed),
served by gunicorn under production settings and measured over loopback HTTP with wrk:
latency at concurrency 1, throughput at concurrency 8, SQL queries per request, the
workers' peak memory, and the same page's SQL through a bare view (the floor). Then the
weekly digests to an SMTP server on loopback. Results: bench/results/latest.{json,md}.

Redmine, the peer (bench/peer.py), is measured at each size just before our pages, in
the same run, and the report sets each of our pages beside it.

    python bench/run.py [--sizes 1000,10000,100000] [--seconds 10] [--pages list,search]
                        [--digests 1000,10000] [--no-peer] [--no-imports] [--quick]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database, digests, imports, load, peer, report, server

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "data"  # captured SQL and sessions: never committed (.gitignore)
SIZES = (1_000, 10_000, 100_000)
WARMUP_REQUESTS = 3
# Fewer requests than this in a wrk run: the page is timed by whole requests instead.
MIN_REQUESTS = 5


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in SIZES),
        help="comma-separated numbers of action points (default 1000,10000,100000)",
    )
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument(
        "--pages", default="", help="comma-separated page names to measure (default: all)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a short run: 1k and 10k, 3 s each, 1k digests"
    )
    parser.add_argument(
        "--digests",
        default="1000,10000",
        help="recipients per digest run, comma-separated; empty to skip (default 1000,10000)",
    )
    parser.add_argument(
        "--peer",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure Redmine at each size too (needs root; default on)",
    )
    parser.add_argument(
        "--imports",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time a 20,000-row spreadsheet import (default on)",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="merge into bench/results/latest.json: replace the rows measured now, keep the rest",
    )
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    args.digests = [int(s) for s in args.digests.split(",") if s]
    args.pages = {p for p in args.pages.split(",") if p}
    if args.quick:
        args.sizes = [s for s in args.sizes if s <= 10_000] or [1_000]
        args.seconds = 3
        args.digests = [n for n in args.digests if n <= 1_000]
    return args


def probe(env: dict[str, str], size: int) -> dict[str, Any]:
    """The pages, their query counts and SQL, captured in-process (bench/probe.py)."""
    out = WORK / f"probe-{size}.json"
    command = [sys.executable, "-m", "bench.probe", str(out)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 -- our own module
    return json.loads(out.read_text())


class PageFailed(Exception):
    """A page (or its floor) does not answer 200 over HTTP: it is reported, not measured."""


def measure_page(
    srv: server.Server, page: dict[str, Any], size: int, seconds: int
) -> dict[str, Any]:
    """Latency at concurrency 1 and throughput at 8, for the page and for its floor."""
    url = srv.base_url + page["path"]
    floor_url = f"{srv.base_url}/bench/floor/{page['name']}/"
    cookie = page["cookie"]
    for target in (url, floor_url):
        for _ in range(WARMUP_REQUESTS):
            status, _size = server.fetch(target, cookie)
            if status != 200:
                raise PageFailed(f"{target.removeprefix(srv.base_url)} answered {status}")
    load_1m = os.getloadavg()[0]
    before = srv.memory_mb()
    srv.reset_peaks()
    c1 = load.run(url, cookie, connections=1, seconds=seconds)
    floor_c1 = load.run(floor_url, cookie, connections=1, seconds=seconds)
    slow = c1.requests < MIN_REQUESTS
    if slow:
        c1 = load.run_slow(url, cookie, connections=1, requests=3)
        floor_c1 = load.run_slow(floor_url, cookie, connections=1, requests=3)
        c8 = load.run_slow(url, cookie, connections=8, requests=8)
    else:
        c8 = load.run(url, cookie, connections=8, seconds=seconds)
    after = srv.memory_mb()
    if slow:
        floor_c8 = load.run_slow(floor_url, cookie, connections=8, requests=8)
    else:
        floor_c8 = load.run(floor_url, cookie, connections=8, seconds=seconds)
    return {
        "page": page["name"],
        "size": size,
        "path": page["path"],
        "note": page["note"],
        "bytes": page["bytes"],
        "queries": page["queries"],
        "p50_ms": c1.p50_ms,
        "p95_ms": c1.p95_ms,
        "p99_ms": c1.p99_ms,
        "rps_8": c8.rps,
        "errors": c1.errors + c8.errors,
        "floor_p50_ms": floor_c1.p50_ms,
        "floor_p95_ms": floor_c1.p95_ms,
        "floor_rps_8": floor_c8.rps,
        "ratio": round(c1.p50_ms / floor_c1.p50_ms, 2) if floor_c1.p50_ms else None,
        "rss_before_mb": before["rss_mb"],
        "peak_mb": after["peak_mb"],
        "growth_mb": round(after["peak_mb"] - before["rss_mb"], 1),
        "timed_by": "whole requests" if slow else "wrk",
        "load_1m": round(load_1m, 2),
    }


def bench_peer(size: int, seconds: int, results: dict[str, Any]) -> None:
    """Redmine at ``size``, or why not, into ``results["redmine"]``."""
    if results.get("peer_reason"):
        return
    try:
        results["redmine"][str(size)] = peer.measure(size, seconds, log)
    except subprocess.CalledProcessError as failure:
        reason = f"Redmine at {size:,}: {Path(failure.cmd[-2]).name} failed"
        log(reason)
        results["missing"].append(reason)


def bench_size(size: int, seconds: int, pages: set[str], results: dict[str, Any]) -> None:
    floor_file = WORK / f"floor-{size}.json"
    env = server.production_env(database.database_url(size), floor_file)
    log(f"--- {size:,} action points: {env['DATABASE_URL']}")
    database.prepare(size, env, log)
    server.collect_static(env)
    captured = probe(env, size)
    results["missing"] += [f"{p['name']} ({p['reason']})" for p in captured["missing"]]
    floor_file.write_text(json.dumps({p["name"]: p["statements"] for p in captured["pages"]}))
    if captured.get("change"):
        results.setdefault("changes", {})[str(size)] = captured["change"]
        log(f"a change through the service: {captured['change']['p50_ms']} ms")
    srv = server.start(env)
    try:
        for page in captured["pages"]:
            if pages and page["name"] not in pages:
                continue
            log(f"{page['name']} {page['path']} ({page['queries']} queries)")
            try:
                row = measure_page(srv, page, size, seconds)
            except PageFailed as failure:
                log(f"  not measured: {failure}")
                results["missing"].append(f"{page['name']} at {size:,} ({failure})")
                continue
            log(
                f"  p50 {row['p50_ms']:.1f} ms (floor {row['floor_p50_ms']:.1f}, "
                f"ratio {row['ratio']}), {row['rps_8']} req/s @8, peak {row['peak_mb']} MB"
            )
            results["pages"].append(row)
    finally:
        srv.stop()


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    load.require_wrk()
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": report.machine(database.server_version()),
        "settings": {"workers": server.WORKERS, "seconds": args.seconds, "sizes": args.sizes},
        "pages": [],
        "missing": [],
    }
    machine = results["machine"]
    log(f"load average {machine['load_average_start']} on {machine['cores']} cores")
    results["redmine"] = {}
    if args.peer:
        try:
            peer.install(args.seconds, log)
        except peer.PeerUnavailable as reason:
            log(f"Redmine not measured: {reason}")
            results["peer_reason"] = str(reason)
    else:
        results["peer_reason"] = "not asked for (--no-peer)"
    for size in args.sizes:
        bench_peer(size, args.seconds, results)
        bench_size(size, args.seconds, args.pages, results)
    results["digests"] = digests.measure(args.digests, log)
    if args.imports:
        results["imports"] = imports.measure(log)  # 20,000 rows
    if args.update:
        results = report.merge(report.latest(), results)
    json_path, md_path = report.write(results)
    log(f"wrote {json_path.relative_to(ROOT)} and {md_path.relative_to(ROOT)}")
    print(md_path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
