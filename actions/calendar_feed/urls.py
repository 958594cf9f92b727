from django.urls import path

from . import views

urlpatterns = [
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/new/", views.calendar_new, name="calendar_new"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
]
