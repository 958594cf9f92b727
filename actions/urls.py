from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
]
