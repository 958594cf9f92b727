"""Spreadsheet imports waiting for the coordinator's confirmation.

What waits is the parsed rows (``spreadsheet_rows.ParsedFile``) and the coordinator's
choices for unknown organisations, never the uploaded file itself: a signed, compressed
file under ``VAR_DIR/imports/``, named by a random token that only the coordinator's
session knows. It is deleted when the import is applied or cancelled, or replaced by a new
upload; it is refused after an hour (the signature carries its time), and files older than
that are removed whenever a coordinator uploads a file. The session itself stays small:
pages load it on every request.
"""

import contextlib
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing

from .rows import ParsedFile

MAX_AGE_SECONDS = 60 * 60
_SALT = "actions.pending_imports"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


class PendingImportGone(Exception):
    """No such import waits for this user: applied, cancelled, expired or never there."""


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path:
    if not _TOKEN.fullmatch(token or ""):
        raise PendingImportGone()
    return _folder() / f"{token}.signed"


def save(
    parsed: ParsedFile,
    user: AbstractBaseUser | AnonymousUser,
    mapping: dict | None = None,
    token: str = "",
) -> str:
    """Keep the parsed file (under ``token``, or a new one) and return the token."""
    token = token or secrets.token_urlsafe(32)
    payload = {"user": user.pk, "parsed": parsed.to_json(), "mapping": mapping or {}}
    path = _path(token)
    partial = path.with_suffix(".partial")
    partial.write_text(signing.dumps(payload, salt=_SALT, compress=True), encoding="ascii")
    partial.replace(path)
    return token


def load(token: str, user: AbstractBaseUser | AnonymousUser) -> tuple[ParsedFile, dict]:
    """The parsed file and the organisation choices; ``PendingImportGone`` if none."""
    path = _path(token)
    try:
        payload = signing.loads(
            path.read_text(encoding="ascii"), salt=_SALT, max_age=MAX_AGE_SECONDS
        )
    except (OSError, signing.BadSignature) as exc:
        raise PendingImportGone() from exc
    if payload.get("user") != user.pk:
        raise PendingImportGone()
    return ParsedFile.from_json(payload["parsed"]), payload["mapping"]


def discard(token: str) -> None:
    with contextlib.suppress(PendingImportGone):
        _path(token).unlink(missing_ok=True)


def sweep(now: float | None = None) -> int:
    """Remove the files of imports nobody confirmed within the hour; returns how many."""
    limit = (now or time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in _folder().glob("*.*"):
        # A concurrent sweep may remove a file first.
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed
