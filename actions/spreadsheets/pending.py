"""Spreadsheet imports waiting for the coordinator's confirmation.

What waits is the parsed rows (``spreadsheet_rows.ParsedFile``) and the coordinator's
choices for unknown organisations, never the uploaded file itself: signed and compressed,
in a ``PendingImport`` row keyed by a random token that only the coordinator's session
knows (in the database, so that any web server and any worker can read it). It is deleted
when the import is applied or cancelled, or replaced by a new upload; it is refused after
an hour (the signature carries its time), and rows older than that are removed whenever a
coordinator uploads a file. The session itself stays small: pages load it on every
request.
"""

import datetime
import re
import secrets
import time

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.utils import timezone

from .models import PendingImport
from .rows import ParsedFile

MAX_AGE_SECONDS = 60 * 60
_SALT = "actions.pending_imports"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


class PendingImportGone(Exception):
    """No such import waits for this user: applied, cancelled, expired or never there."""


def _checked(token: str) -> str:
    if not _TOKEN.fullmatch(token or ""):
        raise PendingImportGone()
    return token


def save(
    parsed: ParsedFile,
    user: AbstractBaseUser | AnonymousUser,
    mapping: dict | None = None,
    token: str = "",
) -> str:
    """Keep the parsed file (under ``token``, or a new one) and return the token."""
    token = _checked(token or secrets.token_urlsafe(32))
    payload = {"user": user.pk, "parsed": parsed.to_json(), "mapping": mapping or {}}
    signed = signing.dumps(payload, salt=_SALT, compress=True)
    PendingImport.objects.update_or_create(
        token=token, defaults={"payload": signed, "created_at": timezone.now()}
    )
    return token


def load(token: str, user: AbstractBaseUser | AnonymousUser) -> tuple[ParsedFile, dict]:
    """The parsed file and the organisation choices; ``PendingImportGone`` if none."""
    row = PendingImport.objects.filter(token=_checked(token)).first()
    if row is None:
        raise PendingImportGone()
    try:
        payload = signing.loads(row.payload, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as exc:
        raise PendingImportGone() from exc
    if payload.get("user") != user.pk:
        raise PendingImportGone()
    return ParsedFile.from_json(payload["parsed"]), payload["mapping"]


def discard(token: str) -> None:
    PendingImport.objects.filter(token=token).delete()


def sweep(now: float | None = None) -> int:
    """Remove the imports nobody confirmed within the hour; returns how many."""
    limit = datetime.datetime.fromtimestamp((now or time.time()) - MAX_AGE_SECONDS, datetime.UTC)
    removed, _ = PendingImport.objects.filter(created_at__lt=limit).delete()
    return removed
