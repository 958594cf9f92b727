"""The second step of signing in, enrolment and one's own reset (mfa.py says who must)."""

from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from pimtracker.drafts import post_only

from . import mfa


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy("The 6-digit code your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _account(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # LoginRequiredMiddleware lets no anonymous visitor here
        raise PermissionError("signed-in account expected")
    return user


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("landing")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator, or a recovery code."""
    user = _account(request)
    if not mfa.is_enrolled(user):
        return redirect(f"{resolve_url('mfa_setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if mfa.verify(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code", _("That code is not right, or was used already. Wait for the next one.")
        )
    return render(request, "security/mfa_verify.html", {"form": form, "next": _next(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in on: scan the QR code (or type the key), confirm with a code;
    the recovery codes are then shown, once."""
    user = _account(request)
    if mfa.is_enrolled(user) and not mfa.is_verified(request):
        return redirect(f"{resolve_url('mfa_verify')}?{urlencode({'next': _next(request)})}")
    device = mfa.pending_device(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = mfa.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "security/mfa_recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("code", _("That code is not right. Check the key and try the next code."))
    return render(
        request,
        "security/mfa_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _grouped_secret(device),
            "next": _next(request),
            "enrolled": mfa.is_enrolled(user),
        },
    )


@post_only(lambda: resolve_url("settings"))
def reset_own(request: HttpRequest) -> HttpResponse:
    """Turn one's own two-step sign-in off (a coordinator is asked to set it up again)."""
    mfa.reset(request, _account(request))
    messages.success(request, _("Two-step sign-in is off for your account."))
    return redirect("settings")


def _qr_svg(device: TOTPDevice) -> str:
    # segno escapes nothing of ours: the URL is built from the key and the username only.
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308  # segno's own SVG markup


def _grouped_secret(device: TOTPDevice) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
