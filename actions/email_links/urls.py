from django.urls import path

from . import views

urlpatterns = [
    path("u/<str:token>/", views.update_page, name="email_link_update"),
    path("digests/email-links/", views.switch_page, name="email_link_settings"),
]
