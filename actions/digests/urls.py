from django.urls import path

from . import views

urlpatterns = [
    path("digests/", views.delivery_log, name="digest_log"),
    path("digests/<int:pk>/resend/", views.resend, name="digest_resend"),
    path("digests/preview/", views.digest_preview, name="digest_preview"),
    path("digests/preview/email/", views.digest_preview_html, name="digest_preview_html"),
    path("digests/unsubscribe/<str:token>/", views.unsubscribe, name="digest_unsubscribe"),
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
]
