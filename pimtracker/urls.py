from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from participants.sign_in_forms import AdminSignInForm, SignInForm

from . import error_pages
from .security.password_reset import ThrottledPasswordResetView

# The admin is named for the tool, in the reader's language, rather than "Django".
admin.site.site_header = admin.site.site_title = _("PIM Tracker")
# Request limits: both sign-in forms check the username's length (participants/sign_in_forms.py).
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(authentication_form=SignInForm), name="login"),
    # Security: password reset throttled and sent after the response; before Django's own.
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # Security: two-step sign-in.
    path("", include("pimtracker.security.urls")),
    path("too-many-requests/", error_pages.too_many_requests, name="too_many_requests"),
    path("", include("actions.urls")),
    path("", include("participants.urls")),
]

# A kind 403 page that explains, for an account without a role, what to ask for.
handler403 = "actions.views.forbidden"
# 400, 404 and 500 are Django's own handlers with the templates/400.html, 404.html, 500.html.
