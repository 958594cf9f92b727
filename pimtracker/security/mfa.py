"""Two-step sign-in (TOTP and recovery codes), through django-otp.

Who must use it: coordinators and anyone who may open the admin (staff, superusers);
everyone else may turn it on under Settings. A session counts as verified once a code was
accepted in it: django-otp's own session key (``DEVICE_ID_SESSION_KEY``) says so, and the
middleware reads only the session, so a verified page costs no query. Signing out, or the
session ending (sessions.py), ends the verification with it.

The devices are django-otp's: a ``TOTPDevice`` (the authenticator app; it counts wrong codes
and makes each further try wait longer) and a ``StaticDevice`` holding ten single-use
recovery codes, shown once, when two-step sign-in is turned on.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from actions import permissions

from . import log

RECOVERY_CODES = 10
# Set at sign-in for anyone who turned two-step sign-in on, so that their pages need no
# query to know it (the others' role is read by every page anyway).
DUE = "pimtracker_mfa_due"


def is_required(user: User) -> bool:
    """Coordinators and admin users must use two-step sign-in."""
    return bool(user.is_staff or user.is_superuser or permissions.is_coordinator(user))


def note_sign_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """``user_logged_in`` receiver: whoever turned it on takes the second step too."""
    if request is not None and hasattr(request, "session") and is_enrolled(user):
        request.session[DUE] = True


def is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: User) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device, kept across page loads so
    the QR code does not change while the person scans it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Turn two-step sign-in on when ``code`` matches the new authenticator; returns the new
    recovery codes (to be shown once), or None for a wrong code."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(device.user)
    otp_login(request, device)
    log.record(request, log.Kind.MFA_ENROLLED, subject=device.user)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def verify(request: HttpRequest, code: str) -> bool:
    """Mark the session verified if ``code`` is a current code of the person's authenticator
    or one of their unused recovery codes (which it then uses up)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101  # the view requires a signed-in account
    code = code.strip().replace(" ", "")
    device: Device
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(code):
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                log.record(request, log.Kind.RECOVERY_CODE_USED)
            return True
    log.record(request, log.Kind.MFA_FAILED)
    return False


def reset(request: HttpRequest, user: User) -> None:
    """Remove the person's authenticator and recovery codes, and sign them out everywhere
    (a coordinator must then enrol again before any page)."""
    with transaction.atomic():
        remove_devices(user)
    log.record(request, log.Kind.MFA_RESET, subject=user)
    if request.user.pk != user.pk:
        sign_out_everywhere(user)
    else:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)


def remove_devices(user: User) -> None:
    """No authenticator and no recovery code left (the demo accounts at each run)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def sign_out_everywhere(user: User) -> None:
    """End every stored session of ``user``. Sessions hold their user only in their encoded
    data, so each is decoded: a rare action (an MFA reset) on a small site's sessions."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            # Through the session engine, not the row: a cached session (CACHE_URL) must
            # leave the cache too, or it would go on working.
            store(session_key=session.session_key).delete()
