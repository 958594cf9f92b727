from django.urls import include, path

from . import coordinator_views, health, joint_update, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("start/", views.landing, name="landing"),
    path("my/", views.my_items, name="my_items"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", coordinator_views.action_create, name="action_create"),
    path("actions/bulk/", coordinator_views.bulk_status, name="action_bulk_status"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("actions/<int:pk>/edit/", coordinator_views.action_edit, name="action_edit"),
    # Comments (issue 15)
    path("actions/<int:pk>/comment/", views.action_comment, name="action_comment"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/update/", joint_update.joint_update_page, name="joint_update"),
    path("", include("actions.digests.urls")),
    path("", include("actions.spreadsheets.urls")),
    path("", include("actions.api.urls")),
    path("", include("actions.glossary.urls")),
    # Provenance: meetings and resources
    path("", include("actions.meetings.urls")),
    path("", include("actions.resources.urls")),
    # Data responsibility: redacting journal notes, "Data we hold".
    path("", include("actions.privacy.urls")),
    path("", include("actions.notices.urls")),  # instant notices (issue 15)
    # Update from an e-mail link
    path("", include("actions.email_links.urls")),
    # Calendar feed
    path("", include("actions.calendar_feed.urls")),
    # Saved views
    path("", include("actions.saved_views.urls")),
]
