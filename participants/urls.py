from django.urls import path

from . import account_views, views

urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<path:acronym>/", views.organization_detail, name="organization_detail"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        account_views.set_password,
        name="set_password",
    ),
    path("settings/", account_views.settings_page, name="settings"),
]
