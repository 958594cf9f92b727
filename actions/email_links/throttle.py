"""How often a link, and an address, may open or post the update page.

Django's cache, not a library: two counters with a window are all that is needed. Counts
are shared between processes when the cache is (Redis in production); with the default
per-process cache each process counts alone, which only makes the limit looser.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60 * 60
# A person reads the page, saves, perhaps corrects: a few uses an hour. Twenty is generous.
PER_LINK = 20
# An office behind one address may hold many people's links; a scanner holds many more.
PER_ADDRESS = 100


def _count(kind: str, key: str) -> int:
    # Hashed: the cache must not hold a working link, nor a list of addresses.
    name = f"email-links:{kind}:{hashlib.sha256(key.encode()).hexdigest()}"
    cache.add(name, 0, WINDOW_SECONDS)
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, WINDOW_SECONDS)
        return 1


def over_limit(request: HttpRequest, token: str) -> bool:
    """Count one use of ``token`` from the request's address; True once either is past
    its limit in the current window."""
    address = request.META.get("REMOTE_ADDR", "")
    by_link = _count("link", token)
    by_address = _count("address", address)
    return by_link > PER_LINK or by_address > PER_ADDRESS
