"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path

from workshop.health import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", include("refurb.urls")),
    path("api/", include("workshop.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("labels/", include("labels.urls")),
    path("", include("shop.urls")),
    path("", include("inventory.urls")),
    path("", include("reports.urls")),
    path("", include("workshop.bench_urls")),
]

handler404 = "workshop.api.errors.page_not_found"
handler500 = "workshop.middleware.server_error"
