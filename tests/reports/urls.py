"""The project's URL map with the report pages mounted under ``reports/``."""

from django.urls import include, path

from relance.urls import urlpatterns as project

urlpatterns = [path("reports/", include("relance.reports.urls")), *project]
