"""Tokens for the read-only API: a coordinator issues them for their own account, and
revokes any.

A token is ``pim_`` and 43 random URL-safe characters. The site keeps only its SHA-256,
so the token is shown once, when it is issued, and a stolen database yields no usable
token. A request presents it as ``Authorization: Bearer <token>`` and then acts as the
token's account: same role, same permissions, same hidden e-mails. A token is refused once
revoked (at once: it is looked up on every request, nothing is cached), once expired
(``API_TOKEN_DAYS`` after issue), or when its account was deactivated. Only the issuer's
own account can be given: a token is never a way to act as someone else.
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from actions import permissions
from actions.models import ApiToken
from pimtracker.drafts import post_only
from pimtracker.security import log as security_log
from pimtracker.security.names import display_name

from .forms import TokenForm

PREFIX = "pim_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(*, user: AuthUser, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``, issued by that same account; returns it with the key,
    which exists nowhere else."""
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_key(key), created_by=user)
    return token, key


def revoke_tokens(request: HttpRequest, tokens: QuerySet[ApiToken]) -> int:
    """Refuse these tokens from now on, each noted in the security log; returns how many
    were not revoked already. A revoked token stays on record: who had access, and until
    when."""
    pending = list(tokens.filter(revoked_at__isnull=True).select_related("user__person"))
    count = ApiToken.objects.filter(pk__in=[t.pk for t in pending], revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    for token in pending:
        security_log.record(
            request, security_log.Kind.TOKEN_REVOKED, detail=token.name, subject=token.user
        )
    return count


def revoke_token(request: HttpRequest, token: ApiToken) -> bool:
    """Refuse the token from now on; False if it was revoked already."""
    return bool(revoke_tokens(request, ApiToken.objects.filter(pk=token.pk)))


class BadAuthorization(Exception):
    """An Authorization header was sent and is not a valid token; the message says why."""


def user_for_key(key: str) -> AuthUser:
    """The active account of a valid, unrevoked, unexpired token (noting its use); else
    ``BadAuthorization``."""
    token = None
    if key.startswith(PREFIX) and len(key) <= 100:
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_key(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
    if token is None:
        raise BadAuthorization(_("The token is not valid, or was revoked."))
    if token.is_expired:
        raise BadAuthorization(
            _("This token expired on %(date)s: ask a coordinator for a new one.")
            % {"date": formats.date_format(timezone.localtime(token.expires_at), "Y-m-d")}
        )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def api_user(request: HttpRequest) -> AuthUser | None:
    """Who calls the API: the token's account when a token is sent (a wrong one is
    ``BadAuthorization``, whatever the session), else the signed-in user, else None."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _space, key = header.partition(" ")
        if scheme.lower() != "bearer":
            raise BadAuthorization(_("The token is not valid, or was revoked."))
        return user_for_key(key.strip())
    return request.user if request.user.is_authenticated else None


# --- The coordinators' page --------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request: permissions.SignedInRequest) -> HttpResponse:
    """Every token, and a form to issue one for oneself; a new token is shown on this
    response only."""
    permissions.require_coordinator(request.user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_key, new_token = None, None
    if form.is_bound and form.is_valid():
        new_token, new_key = issue_token(user=request.user, name=form.cleaned_data["name"])
        security_log.record(
            request, security_log.Kind.TOKEN_ISSUED, detail=new_token.name, subject=request.user
        )
        form = TokenForm()
    tokens = list(ApiToken.objects.select_related("user__person__organization"))
    for token in tokens:
        token.account_name = display_name(token.user)  # type: ignore[attr-defined]
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_key": new_key,
            "new_token": new_token,
            "days": settings.API_TOKEN_DAYS,
        },
        status=201 if new_key else 200,
    )


@post_only(lambda pk: reverse("api_tokens"))
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_coordinator(request.user)
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None:
        raise Http404("No such token")
    if revoke_token(request, token):
        messages.success(
            request,
            _("The token “%(name)s” of %(user)s is revoked: it no longer opens the API.")
            % {"name": token.name, "user": display_name(token.user)},
        )
    else:
        messages.info(request, _("That token was revoked already."))
    return redirect("api_tokens")
