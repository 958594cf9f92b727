"""Load generation with wrk: latency at concurrency 1, throughput at concurrency 8."""

import math
import re
import shutil
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "percentiles.lua"
RESULT = re.compile(r"^BENCH (.*)$", re.MULTILINE)


@dataclass
class LoadResult:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int
    rps: float


def require_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        raise SystemExit(
            "wrk is missing. Install it from Debian's packages:\n    apt-get install wrk"
        )
    return path


def run(url: str, cookie: str, *, connections: int, seconds: int) -> LoadResult:
    """Load ``url`` for ``seconds`` with ``connections`` concurrent connections."""
    threads = 1 if connections == 1 else 2
    command = [
        require_wrk(),
        "--latency",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "-s",
        str(SCRIPT),
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = RESULT.search(output)
    if not match:
        raise RuntimeError(f"wrk printed no summary for {url}:\n{output}")
    values = dict(pair.split("=") for pair in match.group(1).split())
    duration_s = int(values["duration_us"]) / 1e6
    return LoadResult(
        p50_ms=int(values["p50_us"]) / 1000,
        p95_ms=int(values["p95_us"]) / 1000,
        p99_ms=int(values["p99_us"]) / 1000,
        requests=int(values["requests"]),
        errors=int(values["errors"]),
        rps=round(int(values["requests"]) / duration_s, 1) if duration_s else 0.0,
    )


def _fetch_all(url: str, cookie: str) -> float:
    """One full download (a streamed body included); its duration in milliseconds."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 -- loopback
        while response.read(1 << 16):
            pass
    return (time.perf_counter() - started) * 1000


def run_slow(url: str, cookie: str, *, connections: int, requests: int) -> LoadResult:
    """For a page slower than a wrk run is long (the CSV export of 100,000 rows): a fixed
    number of complete requests, ``connections`` at a time."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        times = sorted(pool.map(lambda _: _fetch_all(url, cookie), range(requests)))
    elapsed = time.perf_counter() - started

    def percentile(p: int) -> float:
        return round(times[min(len(times) - 1, math.ceil(p / 100 * len(times)) - 1)], 1)

    return LoadResult(
        p50_ms=percentile(50),
        p95_ms=percentile(95),
        p99_ms=percentile(99),
        requests=requests,
        errors=0,
        rps=round(requests / elapsed, 2),
    )
