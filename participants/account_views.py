"""The signed-in person's own account: choosing a password from an invitation, and /settings/."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actions import permissions
from actions.calendar_feed.feed import feed_address
from pimtracker.drafts import post_only
from pimtracker.security import mfa

from .forms import LanguageForm, NoticeChoicesForm
from .language import change_language
from .notice_choices import NOTICE_SWITCHES, set_notice_choices


class SetPasswordView(PasswordResetConfirmView):
    """The invitation link: choose a password, be signed in, land on one's own items.

    Django's reset view, so the token rules are the same: one use, PASSWORD_RESET_TIMEOUT.
    """

    template_name = "participants/set_password.html"
    post_reset_login = True
    # Two backends are configured (django-axes first); the account signs in through Django's.
    post_reset_login_backend = "actions.permissions.RoleReadingBackend"
    success_url = reverse_lazy("landing")

    def get_user(self, uidb64: str):
        account = super().get_user(uidb64)
        # An old link of someone who left must not bring their account back to life.
        return account if account is not None and account.is_active else None


set_password = SetPasswordView.as_view()


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Everyone signed in: notifications, language, password."""
    person = permissions.person_of(request.user)
    current = person.language if person else request.LANGUAGE_CODE
    form = LanguageForm(request.POST or None, initial={"language": current})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        if person is not None:
            change_language(person=person, language=language)
        response = redirect("settings")
        # The pages follow the cookie; the person's language is for their e-mails.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 60 * 60,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
        messages.success(request, _("Language saved."))
        return response
    return render(
        request,
        "participants/settings.html",
        {
            "person": person,
            "form": form,
            "role": permissions.role_of(request.user),
            "account": request.user,
            # Security: two-step sign-in on or off, and whether it may be turned off.
            "mfa_enrolled": isinstance(request.user, User) and mfa.is_enrolled(request.user),
            "mfa_required": isinstance(request.user, User) and mfa.is_required(request.user),
            "notices_form": NoticeChoicesForm(
                initial={name: getattr(person, name) for name in NOTICE_SWITCHES}
            )
            if person
            else None,
            # Calendar feed
            "calendar_url": feed_address(request.user)
            if permissions.can_read(request.user)
            else "",
            "can_read": permissions.can_read(request.user),
        },
    )


@post_only(lambda: reverse("settings"))
def notice_choices(request: HttpRequest) -> HttpResponse:
    """The signed-in person chooses which instant notices they get."""
    person = permissions.person_of(request.user)
    if person is None:
        raise PermissionDenied(_("Your account is not linked to a person, so it gets no notices."))
    form = NoticeChoicesForm(request.POST)
    form.is_valid()  # unchecked boxes are simply absent: every value is valid
    set_notice_choices(
        person, **{name: bool(form.cleaned_data.get(name)) for name in NOTICE_SWITCHES}
    )
    messages.success(request, _("Your choice of notices is saved."))
    return redirect(f"{reverse('settings')}#settings-notices")
