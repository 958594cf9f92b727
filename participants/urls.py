from django.urls import path

from . import views

urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<path:acronym>/", views.organization_detail, name="organization_detail"),
    # The language switch: Django's set_language (django.conf.urls.i18n) wrapped, so that a
    # signed-in person's choice is also kept for their e-mails.
    path("i18n/setlang/", views.set_language, name="set_language"),
]
