"""The application under production settings: its environment, gunicorn, and its memory."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WORKERS = 2
HOST = "127.0.0.1"
# DEBUG off serves hashed static names from a manifest, which collectstatic writes.
STATIC_ROOT = ROOT / "bench" / "data" / "static"


def production_env(database_url: str, floor_file: Path) -> dict[str, str]:
    """Production settings (DEBUG off, persistent connections) on plain HTTP over loopback."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        ROOT_URLCONF="bench.urls",
        BENCH_FLOOR_FILE=str(floor_file),
        STATIC_ROOT=str(STATIC_ROOT),
        DJANGO_SETTINGS_MODULE="pimtracker.settings",
        # As in production with more than one process: sessions and the cache in Redis.
        CACHE_URL=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/2"),
    )
    return env


def collect_static(env: dict[str, str]) -> None:
    command = [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def workers(self) -> list[int]:
        """The worker processes (children of the gunicorn master)."""
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def reset_peaks(self) -> None:
        """Reset the workers' peak RSS (VmHWM), so that the next peak is one page's own."""
        for pid in self.workers():
            # On an older kernel this fails and peaks accumulate over the run.
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")

    def memory_mb(self) -> dict[str, float]:
        """The largest worker's current (VmRSS) and peak (VmHWM) resident memory, in MB."""
        rss, hwm = 0.0, 0.0
        for pid in self.workers():
            status = _proc_status(pid)
            rss = max(rss, status.get("VmRSS", 0) / 1024)
            hwm = max(hwm, status.get("VmHWM", 0) / 1024)
        return {"rss_mb": round(rss, 1), "peak_mb": round(hwm, 1)}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _proc_status(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return values
    for line in lines:
        key, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            values[key] = int(rest.split()[0])
    return values


def start(env: dict[str, str], workers: int = WORKERS) -> Server:
    """Serve the project with gunicorn and wait until it answers."""
    port = free_port()
    command = [
        str(GUNICORN),
        "pimtracker.wsgi",
        "-w",
        str(workers),
        "-b",
        f"{HOST}:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 -- a fixed command
    server = Server(process=process, port=port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        if _answers(f"{server.base_url}/healthz") and len(server.workers()) == workers:
            return server
        time.sleep(0.3)
    server.stop()
    raise SystemExit("gunicorn did not answer within 60 s")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 -- our own loopback server
            return True
    except urllib.error.HTTPError:
        return True  # it answered; /healthz says 503 without a broker
    except OSError:
        return False


def fetch(url: str, cookie: str) -> tuple[int, int]:
    """One GET with the session cookie: the status and the body size (no redirects)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0
