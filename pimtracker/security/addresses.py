"""The client's address as the configured proxies report it.

Behind nginx every request comes from 127.0.0.1: throttles keyed on ``REMOTE_ADDR`` would
lock everyone out together. ``TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in
front (the deploy recipe's nginx: 1). Each appends to ``X-Forwarded-For`` the address it
received the request from (nginx's ``$proxy_add_x_forwarded_for``), so with N proxies the
N-th entry from the right is the client as the outermost proxy saw it; whatever a client
wrote further left is forged or irrelevant. With 0 (the default, no proxy) only
``REMOTE_ADDR`` counts, so a forged header changes nothing.

Not django-ipware: its proxy count assumes each proxy also lists its own address, and on
nginx's header it returned an entry the client had written (tests/security/test_addresses.py
pins the rule).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < count:
        # Not through all our proxies (a direct request to gunicorn): its own address.
        return remote
    return _valid(forwarded[-count]) or remote


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
