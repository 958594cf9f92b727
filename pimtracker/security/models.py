"""The security log: who signed in, failed, was locked out, changed a password or MFA,
issued or revoked a token, exported data. Never a password, token, code or secret.

Access changes (invitations, roles, departures) stay in ``participants.AccessChange``, the
access log; the security log page links to it rather than copying each row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    PASSWORD_CHANGED = "password_changed", _("Password set or changed")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset asked for")
    MFA_ENROLLED = "mfa_enrolled", _("Two-step sign-in turned on")
    MFA_RESET = "mfa_reset", _("Two-step sign-in reset")
    MFA_FAILED = "mfa_failed", _("Wrong sign-in code")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    EXPORTED = "exported", _("Data exported")


class SecurityEvent(models.Model):
    Kind = SecurityEventKind

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=30, choices=Kind)
    # Who acted; names are copied so that the log reads right after an account is deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=250, blank=True)
    # Whose account it concerns, when not the actor's own (an MFA reset, a lockout).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_name = models.CharField(_("account (name)"), max_length=250, blank=True)
    # The username typed on a failed sign-in, which may name no account at all.
    username = models.CharField(_("username tried"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SecurityEventKind.values), name="security_event_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "-at"], name="security_event_kind_at"),
            # The throttles count recent failures per address and per username.
            models.Index(fields=["kind", "ip_address", "at"], name="security_event_address"),
            models.Index(fields=["kind", "username", "at"], name="security_event_username"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
