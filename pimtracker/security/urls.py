from django.urls import path

from . import mfa_views

urlpatterns = [
    path("security/mfa/", mfa_views.verify, name="mfa_verify"),
    path("security/mfa/setup/", mfa_views.setup, name="mfa_setup"),
    path("security/mfa/reset/", mfa_views.reset_own, name="mfa_reset_own"),
]
