from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "pimtracker.security"
    label = "security"
    verbose_name = _("Security")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import mfa, signals
        from .sessions import mark_sign_in

        user_logged_in.connect(mark_sign_in, dispatch_uid="pimtracker_session_started")
        user_logged_in.connect(mfa.note_sign_in, dispatch_uid="pimtracker_mfa_due")
        user_logged_in.connect(signals.signed_in, dispatch_uid="security_log_signed_in")
        user_login_failed.connect(signals.sign_in_failed, dispatch_uid="security_log_failed")
        user_locked_out.connect(signals.locked_out, dispatch_uid="security_log_locked_out")
