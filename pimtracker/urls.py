from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("actions.urls")),
    path("", include("participants.urls")),
]

# A kind 403 page that explains, for an account without a role, what to ask for.
handler403 = "actions.views.forbidden"
