from django.urls import path

from . import views

urlpatterns = [
    path(
        "actions/<int:pk>/journal/<int:entry>/redact/",
        views.redact,
        name="journal_redact",
    ),
    path("data-we-hold/", views.data_we_hold, name="data_we_hold"),
]
