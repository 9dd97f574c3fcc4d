"""IATI exchange pages: upload a file and follow the import (HQ coordinators, administrators)."""

from django.urls import path

from bali.iati import views

app_name = "iati"
urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:run_id>/", views.run_detail, name="run"),
    path("imports/<int:run_id>/progress/", views.run_progress, name="run_progress"),
]
