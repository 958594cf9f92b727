from django.urls import path

from . import views

urlpatterns = [
    path("notices/unsubscribe/<str:token>/", views.unsubscribe, name="notice_unsubscribe"),
]
