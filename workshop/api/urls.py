"""Every API route: /api/… resources of each app, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from workshop.api import views

router = SimpleRouter()
router.register("sites", views.SiteViewSet, basename="site")
router.register("workstations", views.WorkstationViewSet, basename="workstation")
router.register("jobs", views.JobViewSet, basename="job")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script from a URL, not inline: the CSP allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="workshop/api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="api:schema", template_name="workshop/api/redoc.html"
        ),
        name="redoc",
    ),
    *router.urls,
    path("", include("inventory.api.urls")),
    path("", include("refurb.api.urls")),
    path("", include("labels.api.urls")),
    path("", include("shop.api.urls")),
    path("", include("reports.api.urls")),
]
