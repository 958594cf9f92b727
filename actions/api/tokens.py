"""Tokens for the read-only API: issued and revoked by coordinators, for any account.

A token is ``pim_`` and 43 random URL-safe characters. The site keeps only its SHA-256,
so the token is shown once, when it is issued, and a stolen database yields no usable
token. A request presents it as ``Authorization: Bearer <token>`` and then acts as the
token's account: same role, same permissions, same hidden e-mails. A revoked token, or one
whose account was deactivated, is refused.
"""

import hashlib
import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from actions import permissions
from actions.models import ApiToken
from pimtracker.drafts import post_only

from .forms import TokenForm

PREFIX = "pim_"
# A datalist of accounts helps typing up to this many; past it, the name is typed.
USERNAME_SUGGESTIONS = 500


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(*, user: AuthUser, name: str, by: AuthUser | None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it with the key, which exists nowhere else."""
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_key(key), created_by=by if by else None
    )
    return token, key


def revoke_tokens(tokens: QuerySet[ApiToken]) -> int:
    """Refuse these tokens from now on; returns how many were not revoked already. A revoked
    token stays on record: who had access, and until when."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_token(token: ApiToken) -> bool:
    """Refuse the token from now on; False if it was revoked already."""
    return bool(revoke_tokens(ApiToken.objects.filter(pk=token.pk)))


def user_for_key(key: str) -> AuthUser | None:
    """The active account of a valid, unrevoked token (noting its use), or None."""
    if not key.startswith(PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


class BadAuthorization(Exception):
    """An Authorization header was sent and is not a valid token."""


def api_user(request: HttpRequest) -> AuthUser | None:
    """Who calls the API: the token's account when a token is sent (a wrong one is
    ``BadAuthorization``, whatever the session), else the signed-in user, else None."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        user = user_for_key(key.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise BadAuthorization()
        return user
    return request.user if request.user.is_authenticated else None


# --- The coordinators' page --------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request: permissions.SignedInRequest) -> HttpResponse:
    """Every token, and a form to issue one; a new token is shown on this response only."""
    permissions.require_coordinator(request.user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_key, new_token = None, None
    if form.is_bound and form.is_valid():
        new_token, new_key = issue_token(
            user=form.cleaned_data["username"], name=form.cleaned_data["name"], by=request.user
        )
        form = TokenForm()
    tokens = list(ApiToken.objects.select_related("user", "created_by"))
    usernames = list(
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("username")
        .values_list("username", flat=True)[:USERNAME_SUGGESTIONS]
    )
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "usernames": usernames,
            "new_key": new_key,
            "new_token": new_token,
        },
        status=201 if new_key else 200,
    )


@post_only(lambda pk: reverse("api_tokens"))
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_coordinator(request.user)
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None:
        raise Http404("No such token")
    if revoke_token(token):
        messages.success(
            request,
            _("The token “%(name)s” of %(user)s is revoked: it no longer opens the API.")
            % {"name": token.name, "user": token.user.get_username()},
        )
    else:
        messages.info(request, _("That token was revoked already."))
    return redirect("api_tokens")
