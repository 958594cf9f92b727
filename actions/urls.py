from django.urls import path

from . import api, api_tokens, coordinator_views, digest_views, interop_views, joint_update, views

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
    # Spreadsheets in and out, the read-only API and the joint update (docs/interop.md).
    path("actions/export.csv", interop_views.export_csv, name="action_export_csv"),
    path("actions/export.xlsx", interop_views.export_xlsx, name="action_export_xlsx"),
    path("actions/export.hxl.csv", interop_views.export_hxl, name="action_export_hxl"),
    path("actions/import/", interop_views.import_upload, name="import_upload"),
    path("actions/import/preview/", interop_views.import_preview, name="import_preview"),
    path("actions/import/confirm/", interop_views.import_confirm, name="import_confirm"),
    path("actions/import/cancel/", interop_views.import_cancel, name="import_cancel"),
    path(
        "actions/import/template.xlsx",
        interop_views.import_template,
        {"extension": "xlsx"},
        name="import_template_xlsx",
    ),
    path(
        "actions/import/template.csv",
        interop_views.import_template,
        {"extension": "csv"},
        name="import_template_csv",
    ),
    path("plans/<int:pk>/update/", joint_update.joint_update_page, name="joint_update"),
    path("api/actions/", api.action_list, name="api_action_list"),
    path("api/actions/<int:pk>/", api.action_detail, name="api_action_detail"),
    path("api/tokens/", api_tokens.token_list, name="api_tokens"),
    path("api/tokens/<int:pk>/revoke/", api_tokens.token_revoke, name="api_token_revoke"),
]
