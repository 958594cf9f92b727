from django.urls import path

from . import views

urlpatterns = [
    path("actions/export.csv", views.export_csv, name="action_export_csv"),
    path("actions/export.xlsx", views.export_xlsx, name="action_export_xlsx"),
    path("actions/export.hxl.csv", views.export_hxl, name="action_export_hxl"),
    path("actions/import/", views.import_upload, name="import_upload"),
    path("actions/import/preview/", views.import_preview, name="import_preview"),
    path("actions/import/confirm/", views.import_confirm, name="import_confirm"),
    path("actions/import/cancel/", views.import_cancel, name="import_cancel"),
    path("actions/import/runs/<int:pk>/", views.import_run, name="import_run"),
    path(
        "actions/import/template.xlsx",
        views.import_template,
        {"extension": "xlsx"},
        name="import_template_xlsx",
    ),
    path(
        "actions/import/template.csv",
        views.import_template,
        {"extension": "csv"},
        name="import_template_csv",
    ),
]
