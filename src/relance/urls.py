"""URL map: the web pages, the API, the language switch, the static files and the admin."""

from pathlib import Path

import ninja
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from relance.api.routes import api
from relance.web.apps import STATIC_DIR

# The API's documentation page uses the Swagger UI files django-ninja ships: no CDN.
NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"

handler400 = "relance.web.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The embedded server serves the interface's few static files itself (no CDN, no
    # collectstatic step); a production web server may serve STATIC_ROOT instead.
    path("static/ninja/<path:path>", serve, {"document_root": NINJA_STATIC}),
    path("static/<path:path>", serve, {"document_root": STATIC_DIR}),
    path("api/v1/", api.urls),
    path("reports/", include("relance.reports.urls")),
    path("", include("relance.web.urls")),
]
