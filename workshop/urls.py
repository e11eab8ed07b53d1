"""Top-level URL routes: every app's routes, included by name so the project imports no app.

The bench screens of several apps share the ``bench`` namespace: each app's ``bench_urls`` has
no namespace of its own and is included inside this one.
"""

from django.contrib import admin
from django.urls import include, path

from workshop.health import health

BENCH = (
    [
        path("", include("workshop.bench_urls")),
        path("", include("refurb.bench_urls")),
        path("", include("inventory.bench_urls")),
    ],
    "bench",
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", include("refurb.urls")),
    path("api/", include("workshop.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("labels/", include("labels.urls")),
    path("", include("shop.urls")),
    path("", include("inventory.urls")),
    path("", include("skills.urls")),
    path("", include("reports.urls")),
    path("", include(BENCH)),
]

handler400 = "workshop.views.errors.bad_request"
handler404 = "workshop.views.errors.page_not_found"
handler403 = "workshop.views.errors.permission_denied"
handler500 = "workshop.middleware.server_error"
