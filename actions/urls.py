from django.urls import path

from . import coordinator_views, digest_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("start/", views.landing, name="landing"),
    path("my/", views.my_items, name="my_items"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", coordinator_views.action_create, name="action_create"),
    path("actions/bulk/", coordinator_views.bulk_status, name="action_bulk_status"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("actions/<int:pk>/edit/", coordinator_views.action_edit, name="action_edit"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("digests/", digest_views.delivery_log, name="digest_log"),
    path("digests/preview/", digest_views.digest_preview, name="digest_preview"),
    path("digests/preview/email/", digest_views.digest_preview_html, name="digest_preview_html"),
    path("digests/unsubscribe/<str:token>/", digest_views.unsubscribe, name="digest_unsubscribe"),
    path(
        "settings/notifications/",
        digest_views.notification_settings,
        name="notification_settings",
    ),
]
