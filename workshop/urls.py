"""Top-level URL routes."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from workshop.health import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]

handler500 = "workshop.middleware.server_error"
