"""Every API route: /api/… resources of each app, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from workshop.api import views

router = SimpleRouter()
router.register("sites", views.SiteViewSet, basename="site")
router.register("workstations", views.WorkstationViewSet, basename="workstation")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
    path("", include("inventory.api.urls")),
    path("", include("refurb.api.urls")),
    path("", include("labels.api.urls")),
]
