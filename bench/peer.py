"""Redmine 5 measured in the same run as our pages, so that ratios compare like with like.

The machine's speed drifts by up to 1.5x within an hour, so a figure from another run says
little; the peer's scripts (``../shared/peers/redmine/``, beside this repository) install
Redmine from Debian's packages on the same PostgreSQL, load the same data shape and time
its list, filtered list, issue page and JSON API with hey and wrk. For each size this runs
them just before our own pages: ``load_data.sh N``, ``server.sh start``, ``bench.sh N``,
``server.sh stop``. Installing needs root (apt-get, runuser); without it the peer is
reported as not measured and the rest of the run goes on.
"""

import csv
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(os.environ.get("REDMINE_PEER", ROOT.parent / "shared" / "peers" / "redmine"))
RESULTS = ROOT / "bench" / "results" / "redmine"
STATE = ROOT / "bench" / "data" / "redmine-state"  # pid files, cookies, samples: not committed


class PeerUnavailable(Exception):
    """Redmine cannot be measured here; the message says why."""


def _env(seconds: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        REDMINE_PEER_STATE=str(STATE),
        RESULTS_DIR=str(RESULTS),
        # One round per size: the run interleaves Redmine and us per size instead.
        ROUNDS=os.environ.get("ROUNDS", "1"),
        DUR=str(seconds),
    )
    return env


def _script(name: str, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["bash", str(SCRIPTS / name), *args], env=env, check=True)  # noqa: S603,S607


def install(seconds: int, log: Callable[[str], None]) -> None:
    """Install Redmine and its tools (idempotent: quick when they are there)."""
    if not (SCRIPTS / "install.sh").exists():
        raise PeerUnavailable(f"no peer scripts at {SCRIPTS}")
    if os.geteuid() != 0:
        raise PeerUnavailable("installing Redmine from Debian's packages needs root")
    STATE.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    log("Redmine: install (or check) the Debian packages")
    try:
        _script("install.sh", env=_env(seconds))
    except subprocess.CalledProcessError as failure:
        raise PeerUnavailable(f"install.sh failed with status {failure.returncode}") from None


def measure(size: int, seconds: int, log: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """Load ``size`` issues into Redmine, serve and time it; its pages by name."""
    env = _env(seconds)
    log(f"Redmine: loading {size:,} issues")
    _script("load_data.sh", str(size), env=env)
    _script("server.sh", "start", env=env)
    try:
        log(f"Redmine: measuring at {size:,}")
        _script("bench.sh", str(size), env=env)
    finally:
        _script("server.sh", "stop", env=env)
    return read(size)


def read(size: int) -> dict[str, dict[str, Any]]:
    """``N<size>.tsv`` as written by bench.sh: p50/p95 at concurrency 1, req/s at 8."""
    path = RESULTS / f"N{size}.tsv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    pages: dict[str, dict[str, Any]] = {}
    for row in rows:
        rps = next(value for key, value in row.items() if key.endswith("_rps_median"))
        pages[row["page"]] = {
            "p50_ms": float(row["c1_p50_ms"]),
            "p95_ms": float(row["c1_p95_ms"]),
            "rps_8": float(rps),
            "check": row["check"],
        }
    return pages
