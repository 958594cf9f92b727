"""Receivers that write sign-ins, failures, lockouts and password changes to the log."""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from . import log


def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Only a sign-in through a form is an event; force_login in scripts passes no method.
    if request is not None and getattr(request, "method", None) == "POST":
        log.record(request, log.Kind.SIGNED_IN, actor=user)


def sign_in_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    account = get_user_model().objects.filter(username=username).first() if username else None
    log.record(request, log.Kind.SIGN_IN_FAILED, subject=account, username=username)


def locked_out(
    sender: Any, request: HttpRequest | None, username: str | None = None, **kwargs: Any
) -> None:
    username = str(username or "")
    account = get_user_model().objects.filter(username=username).first() if username else None
    log.record(request, log.Kind.LOCKED_OUT, subject=account, username=username)


class RecordPasswordChanges:
    """Not a rule but a listener: Django tells each password validator when a password was
    saved, whatever the path (settings page, reset link, invitation, admin, command line)."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            log.record(None, log.Kind.PASSWORD_CHANGED, actor=user, subject=user)

    def get_help_text(self) -> str:
        return ""
