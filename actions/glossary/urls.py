from django.urls import path

from . import views

urlpatterns = [
    path("glossary/", views.term_list, name="glossary"),
    path("glossary/new/", views.term_create, name="glossary_create"),
    path("glossary/<int:pk>/edit/", views.term_edit, name="glossary_edit"),
    path("glossary/export.csv", views.term_export, {"extension": "csv"}, name="glossary_csv"),
    path("glossary/export.xlsx", views.term_export, {"extension": "xlsx"}, name="glossary_xlsx"),
]
