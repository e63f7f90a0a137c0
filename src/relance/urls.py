"""URL map: the web pages, the language switch, the static files and the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from relance.web.apps import STATIC_DIR

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The embedded server serves the interface's few static files itself (no CDN, no
    # collectstatic step); a production web server may serve STATIC_ROOT instead.
    path("static/<path:path>", serve, {"document_root": STATIC_DIR}),
    path("reports/", include("relance.reports.urls")),
    path("", include("relance.web.urls")),
]
