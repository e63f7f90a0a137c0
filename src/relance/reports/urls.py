"""Report pages, mounted under ``reports/``: the portfolio, then one organization's
pages under ``reports/<slug>/``, each table downloadable as ``<table>.csv|xlsx``."""

from django.urls import path

from relance.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("portfolio.<str:fmt>", views.portfolio_download, name="portfolio_download"),
    path("<slug:org>/", views.dashboard, name="dashboard"),
    path("<slug:org>/aged/", views.aged, name="aged"),
    path("<slug:org>/forecast/", views.forecast, name="forecast"),
    path("<slug:org>/scenarios/", views.scenarios, name="scenarios"),
    path("<slug:org>/monthly.pdf", views.monthly_pdf, name="monthly_pdf"),
    path("<slug:org>/<slug:table>.<str:fmt>", views.download, name="download"),
]
