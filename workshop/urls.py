"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("refurb.urls")),
    path("api/", include("workshop.api.urls")),
    path("", include("inventory.shop_urls")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
