"""The results: bench/results/latest.json and a Markdown table, bench/results/latest.md."""

import datetime
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = RESULTS.parent.parent


def machine(postgres_version: str) -> dict[str, Any]:
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "postgresql": postgres_version,
        "commit": _commit(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def latest() -> dict[str, Any]:
    return json.loads((RESULTS / "latest.json").read_text())


def _digest_counts(results: dict[str, Any]) -> list[int]:
    return [run["recipients"] for run in (results.get("digests") or {}).get("runs", [])]


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The earlier run with the rows measured now in place of its own, for a partial rerun."""
    new["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    fresh = {(row["page"], row["size"]): row for row in new["pages"]}
    rows = [fresh.pop((row["page"], row["size"]), row) for row in old["pages"]]
    names = {page for page, _size in {(r["page"], r["size"]) for r in new["pages"]}}
    missing = [m for m in old.get("missing", []) if m.split(" ")[0] not in names]
    update = {
        "date": new["machine"]["date"],
        "commit": new["machine"]["commit"],
        "load_average_start": new["machine"]["load_average_start"],
        "load_average_end": new["machine"]["load_average_end"],
        "rows": sorted(
            f"{page} at {size:,}" for page, size in {(r["page"], r["size"]) for r in new["pages"]}
        )
        + [f"the digests for {n:,} recipients" for n in _digest_counts(new)]
        + (["the instant notices"] if (new.get("digests") or {}).get("notices") else [])
        + [f"a change at {int(size):,}" for size in new.get("changes", {})]
        + (["the import"] if new.get("imports") else [])
        + [f"Redmine at {int(size):,}" for size in new.get("redmine", {})],
    }
    return {
        **old,
        "pages": rows + list(fresh.values()),
        "missing": missing + new["missing"],
        "digests": new["digests"] if new["digests"].get("runs") else old.get("digests"),
        "imports": new.get("imports") or old.get("imports"),
        "changes": {**old.get("changes", {}), **new.get("changes", {})},
        # Redmine measured in this run, just before these pages: the ratios must use it.
        "redmine": {**old.get("redmine", {}), **new.get("redmine", {})},
        "updates": [*old.get("updates", []), update],
    }


def write(results: dict[str, Any]) -> tuple[Path, Path]:
    RESULTS.mkdir(exist_ok=True)
    if not results.get("updates"):
        results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    json_path, md_path = RESULTS / "latest.json", RESULTS / "latest.md"
    json_path.write_text(json.dumps(results, indent=1) + "\n")
    md_path.write_text(markdown(results))
    return json_path, md_path


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"Run of {m['date']} at commit `{m['commit']}`: {m['cores']} cores ({m['cpu']}), "
        f"load average {m['load_average_start'][0]} at the start and "
        f"{m['load_average_end'][0]} at the end, PostgreSQL {m['postgresql']}, "
        f"gunicorn with {results['settings']['workers']} sync workers, DEBUG off, "
        f"{results['settings']['seconds']} s per measurement.",
        "",
        "| page | size | p50 ms | p95 ms | req/s @8 | queries | floor p50 ms | ratio | peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["pages"]:
        lines.append(
            f"| {row['page']} | {row['size']:,} | {_num(row['p50_ms'])} | {_num(row['p95_ms'])}"
            f" | {_num(row['rps_8'])} | {row['queries']} | {_num(row['floor_p50_ms'])}"
            f" | {_num(row['ratio'], 2)} | {_num(row['peak_mb'], 0)} |"
        )
    for update in results.get("updates", []):
        lines.append(
            f"\nMeasured again on {update['date']} at commit `{update['commit']}` (load "
            f"average {update['load_average_start'][0]} to {update['load_average_end'][0]}): "
            + ", ".join(update["rows"])
            + "."
        )
    slow = [
        f"{r['page']} at {r['size']:,}"
        for r in results["pages"]
        if r.get("timed_by") == "whole requests"
    ]
    if slow:
        lines.append(
            "\nLonger than a wrk run, so timed by whole downloads (3 one at a time, 8 at "
            "concurrency 8): " + ", ".join(slow) + "."
        )
    for row in results["pages"]:
        if row["page"] == "export-csv":
            lines.append(
                f"\nCSV export at {row['size']:,} rows: the largest worker grew by "
                f"{row['growth_mb']:,.1f} MB while serving it ({row['bytes']:,} bytes a response)."
            )
    lines += _peer_lines(results)
    lines += _change_lines(results.get("changes"))
    lines += _import_lines(results.get("imports"))
    if results.get("missing"):
        lines += ["", "Not yet available: " + ", ".join(sorted(set(results["missing"]))) + "."]
    lines += ["", *_digest_lines(results.get("digests"))]
    return "\n".join(lines) + "\n"


# Redmine's pages, as bench/peer.py names them, in the words of the table.
PEER_PAGES = {
    "list": "list",
    "filtered": "filtered list",
    "issue": "issue with journal",
    "api": "JSON API",
}
# Each of our pages beside the Redmine page that does the same job. Pages Redmine has no
# match for (the dashboard, search, the plan) stand beside its list, the page a Redmine user
# starts from.
NEAREST = {
    "dashboard": "list",
    "list": "list",
    "list-filtered": "filtered",
    "list-deep": "list",
    "search": "list",
    "search-code": "list",
    "my-items": "filtered",
    "detail": "issue",
    "plan": "list",
    "organization": "filtered",
    "api-list": "api",
}
# The targets: p50 at most a tenth of Redmine's list, 10x its throughput on these.
TARGET_RATIO = 0.1
TARGET_THROUGHPUT = 10
THROUGHPUT_PAGES = {"list", "list-filtered", "detail"}


def _peer_lines(results: dict[str, Any]) -> list[str]:
    """Each of our pages beside Redmine's, measured at the same size in the same run."""
    redmine = results.get("redmine") or {}
    if not redmine:
        reason = results.get("peer_reason") or "not measured in this run"
        return ["", f"Redmine side by side: {reason}."]
    lines = [
        "",
        "Side by side with Redmine 5 (Debian's packages, puma with 2 workers, same data shape,"
        " measured at each size just before our pages): our p50 as a share of Redmine's list"
        f" (target at most {TARGET_RATIO}) and of its nearest page, and our throughput at"
        f" concurrency 8 as a multiple of that page's (target {TARGET_THROUGHPUT}x on the list,"
        " the filtered list and the detail page).",
        "",
        "| size | page | ours p50 ms | Redmine list p50 ms | / list | nearest Redmine page"
        " | its p50 ms | / nearest | ours req/s @8 | its req/s @8 | x throughput |",
        "|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in results["pages"]:
        theirs = redmine.get(str(row["size"]))
        nearest = NEAREST.get(row["page"])
        if not theirs or not nearest or "list" not in theirs or nearest not in theirs:
            continue
        listed, peer = theirs["list"], theirs[nearest]
        to_list = row["p50_ms"] / listed["p50_ms"]
        to_peer = row["p50_ms"] / peer["p50_ms"]
        times = row["rps_8"] / peer["rps_8"] if peer["rps_8"] else None
        met = to_list <= TARGET_RATIO and (
            row["page"] not in THROUGHPUT_PAGES or (times or 0) >= TARGET_THROUGHPUT
        )
        lines.append(
            f"| {row['size']:,} | {row['page']}{'' if met else ' (target missed)'}"
            f" | {_num(row['p50_ms'])} | {_num(listed['p50_ms'])} | {_num(to_list, 2)}"
            f" | {PEER_PAGES[nearest]} | {_num(peer['p50_ms'])} | {_num(to_peer, 2)}"
            f" | {_num(row['rps_8'])} | {_num(peer['rps_8'])} | {_num(times, 1)} |"
        )
    return lines


def _import_lines(imports: dict[str, Any] | None) -> list[str]:
    if not imports:
        return []
    if imports.get("reason"):
        return ["", f"Import of {imports['rows']:,} rows: failed ({imports['reason']})."]
    steps = [
        f"{step}d in {imports[step]['confirm_s']} s after confirming "
        f"(upload {imports[step]['upload_s']} s, preview {imports[step]['preview_s']} s)"
        for step in ("create", "update")
        if step in imports
    ]
    return [
        "",
        f"Import of a {imports['rows']:,}-row spreadsheet through the pages, as a background"
        f" run: " + "; ".join(steps) + f" (load average {imports.get('load_1m')}).",
    ]


def _change_lines(changes: dict[str, Any] | None) -> list[str]:
    if not changes:
        return []
    each = ", ".join(
        f"{int(size):,} items {_num(change['p50_ms'])} ms"
        for size, change in sorted(changes.items(), key=lambda pair: int(pair[0]))
    )
    return [
        "",
        "A change through the service the update form and the comments call (an open item's"
        " due date, with its journal, counts and notices; in-process, undone after, median of"
        f" {next(iter(changes.values()))['changes']}): {each}.",
    ]


def _digest_lines(digests: dict[str, Any] | None) -> list[str]:
    if not digests or not digests.get("runs"):
        reason = (digests or {}).get("reason", "not measured in this run")
        return [f"Weekly digests: {reason}."]
    processes = next((r["worker"].get("processes") for r in digests["runs"] if r.get("worker")), 0)
    lines = [
        f"Weekly digests ({digests['actions']:,} action points) to an SMTP server on loopback: "
        "`send_digests` in one process, with its queries counted, and the weekly task "
        f"through Redis to a Celery worker of {processes or 'its'} processes:",
        "",
        "| recipients | one process: s | received | queries | queries / recipient "
        "| worker: s | received |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in digests["runs"]:
        seconds, queries = _seconds(run), "-"
        if run["seconds"] is not None:
            queries = f"{run['queries']:,}"
        worker = run.get("worker")
        through_worker = f"{_seconds(worker)} | {worker['received']:,}" if worker else "- | -"
        lines.append(
            f"| {run['recipients']:,} | {seconds} | {run['received']:,} | {queries} | "
            f"{_num(run['queries_per_recipient'], 2)} | {through_worker} |"
        )
    if digests.get("reason"):
        lines += ["", f"Weekly digests: {digests['reason']}."]
    return lines + _notice_lines(digests.get("notices"))


def _notice_lines(notices: dict[str, Any] | None) -> list[str]:
    if not notices:
        return []
    if "reason" in notices:
        return ["", f"Instant notices: not measured ({notices['reason']})."]
    took = f"**{_num(notices['seconds'])} s** from the beat's task to the last e-mail settled"
    return [
        "",
        f"Instant notices of {notices['changes']:,} changes (a coordinator's, one per item, "
        f"made in {_num(notices.get('changes_s'))} s): {notices['notices']:,} notices to "
        f"{notices['people']:,} people, one e-mail each; {took}, through a Celery worker of "
        f"{notices['processes']} processes; {notices['received']:,} messages received "
        "(target: within one beat, 15 minutes).",
    ]


def _seconds(run: dict[str, Any]) -> str:
    if run["seconds"] is None:
        return f"stopped at {run['stopped_after_s']:,} (all: ~{run['projected_s'] or 0:,})"
    return _num(run["seconds"])
