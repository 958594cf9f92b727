"""The signed-in person's own account: choosing a password from an invitation."""

from django.contrib.auth.views import PasswordResetConfirmView
from django.urls import reverse_lazy


class SetPasswordView(PasswordResetConfirmView):
    """The invitation link: choose a password, be signed in, land on one's own items.

    Django's reset view, so the token rules are the same: one use, PASSWORD_RESET_TIMEOUT.
    """

    template_name = "participants/set_password.html"
    post_reset_login = True
    # Two backends are configured (django-axes first); the account signs in through Django's.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("landing")

    def get_user(self, uidb64: str):
        account = super().get_user(uidb64)
        # An old link of someone who left must not bring their account back to life.
        return account if account is not None and account.is_active else None


set_password = SetPasswordView.as_view()
