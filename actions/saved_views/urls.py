from django.urls import path

from . import views

urlpatterns = [
    path("actions/views/save/", views.save, name="saved_view_save"),
    path("actions/views/<int:pk>/delete/", views.delete, name="saved_view_delete"),
]
