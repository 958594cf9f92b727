"""Each page's Python in instructions: ``python -m bench.instructions SIZE [PAGE ...]``.

Runs ``bench.inprocess``'s requests under valgrind's callgrind, which counts the
instructions the web process executes rather than timing them: the same count for the same
code and data whatever else the machine is doing, where a page's milliseconds on this
machine move by half from one minute to the next. Two runs per page, after the same
sign-in and warm-up, one with no measured request and one with ``REQUESTS``; the
difference over ``REQUESTS`` is one request's instructions (PostgreSQL's work is in its
own process and not counted). About a minute and a half per page; needs valgrind (Debian's
package) and the benchmark database of SIZE items that ``make bench`` loaded. Compare two
versions of the code by running it in a checkout of each (``git worktree``).
"""

import re
import subprocess
import sys
from pathlib import Path

from bench import inprocess

REQUESTS = 10
WARMUP = 3
ROOT = Path(__file__).resolve().parent.parent


def _serve(size: int, name: str, requests: int) -> None:
    """In the process valgrind watches: sign in, warm up, then ``requests`` requests."""
    app = inprocess.application(size, collect_static=False)  # main() collected them
    from bench import probe

    page = next(p for p in probe.pages() if p.name == name)
    cookie = probe.sign_in(page.user)
    for _ in range(WARMUP + requests):
        inprocess._request(app, page.path, cookie)


def _instructions(size: int, name: str, requests: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.instructions",
        "--serve",
        str(size),
        name,
        str(requests),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count for {name}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(size: int, only: list[str]) -> None:
    inprocess.application(size)  # collects the static files, and sets Django up here too
    from bench import probe

    names = only or [p.name for p in probe.pages() if p.name != "export-csv"]
    print(f"{'page':<14} {'M instructions a request':>25}")
    for name in names:
        per_request = (
            _instructions(size, name, REQUESTS) - _instructions(size, name, 0)
        ) / REQUESTS
        print(f"{name:<14} {per_request / 1e6:25.1f}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "--serve":
        _serve(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) >= 2:
        main(int(sys.argv[1]), sys.argv[2:])
    else:
        raise SystemExit(__doc__)
