from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

# The admin is named for the tool, in the reader's language, rather than "Django".
admin.site.site_header = admin.site.site_title = _("PIM Tracker")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("actions.urls")),
    path("", include("participants.urls")),
]

# A kind 403 page that explains, for an account without a role, what to ask for.
handler403 = "actions.views.forbidden"
