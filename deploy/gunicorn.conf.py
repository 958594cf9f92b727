"""Gunicorn settings for PIM Tracker behind the nginx site of this recipe.

Field offices reach the site over slow, lossy links. nginx buffers each request and
response in full (see nginx/pimtracker.conf), so a worker never waits on a slow client;
the settings here bound what a worker spends on one request instead.

Every value can be overridden from the environment (GUNICORN_*), so the systemd unit and
the tests use this one file.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "pimtracker.wsgi:application"
# Loopback only: nginx is the one door in, and it adds the TLS and the buffering.
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"

# Threads, not more processes: most of a request's time is spent waiting for PostgreSQL,
# and threads share one process's memory on a small field server. A client that sends its
# request slowly holds one thread, not the process: the others keep serving (nginx in front
# buffers whole requests, so this matters when gunicorn is reached directly;
# tests/test_request_limits_gunicorn.py checks it).
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", min(4, multiprocessing.cpu_count() + 1))
threads = _int("GUNICORN_THREADS", 4)

# The longest page (an export of a 100,000-item plan) takes a few seconds; a worker stuck
# for a minute is stuck for good and is replaced.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# nginx keeps its upstream connections open a little; slightly longer here avoids a race
# where gunicorn closes a connection nginx is about to reuse.
keepalive = 5

# Refuse absurd requests before Django sees them (the defaults, spelled out so that the
# nginx limits next to them can be checked against these).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# A worker is replaced after this many requests (with jitter, so not all at once), which
# bounds any slow memory growth.
max_requests = 1000
max_requests_jitter = 100

# Trust X-Forwarded-* only from nginx on the same machine.
forwarded_allow_ips = "127.0.0.1,::1"

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
# The client's address as nginx saw it, not nginx's own.
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms'
