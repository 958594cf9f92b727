"""Password reset that neither floods an inbox nor tells a known address from an unknown.

The request only writes a log row and queues a task with the address typed; the task,
after the response (``transaction.on_commit`` and Celery; in-process in the embedded mode
without a broker), looks the address up and sends. So the page takes the same time whether
the address has an account or not, and answers the same way when a limit holds.
"""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation

from . import log, throttles


class ThrottledPasswordResetView(PasswordResetView):
    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        request = self.request
        if not throttles.password_reset_allowed_from(request):
            return render(request, "registration/throttled.html", {"minutes": 60}, status=429)
        email = form.cleaned_data["email"]
        send = throttles.password_reset_allowed_to(email)
        log.record(request, log.Kind.PASSWORD_RESET_REQUESTED, username=email.lower())
        if send:
            from .tasks import send_password_reset

            arguments = {
                "email": email,
                "domain": request.get_host(),
                "use_https": request.is_secure(),
                "language": translation.get_language() or settings.LANGUAGE_CODE,
            }
            transaction.on_commit(lambda: send_password_reset.delay(**arguments))
        return HttpResponseRedirect(self.get_success_url())


def send_reset_mail(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """Mail a reset link to each active account of ``email`` (none for an unknown one)."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.html",
        )
