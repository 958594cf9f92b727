from django.urls import path

from . import views

urlpatterns = [
    path("resources/<slug:kind>/<int:pk>/add/", views.resource_add, name="resource_add"),
    path("resources/<int:pk>/remove/", views.resource_remove, name="resource_remove"),
]
