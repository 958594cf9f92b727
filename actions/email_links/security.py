"""Every use of an update link, for the security log.

The one place that records a use: when the project's security log exists, its call goes in
``record_link_use`` and nowhere else.
"""

import logging

from django.http import HttpRequest

logger = logging.getLogger("pimtracker.security.email_links")


def record_link_use(
    request: HttpRequest, *, outcome: str, person_id: int | None, item_id: int | None
) -> None:
    """``outcome``: "opened", "saved", "refused", "expired", "invalid" or "throttled"."""
    logger.info(
        "update link %s: person=%s item=%s address=%s",
        outcome,
        person_id,
        item_id,
        request.META.get("REMOTE_ADDR", ""),
    )
