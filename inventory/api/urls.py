"""Inventory routes under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from inventory.api import audits, repairs, views
from inventory.api.scan import ScanView

router = SimpleRouter()
router.register("locations", views.LocationViewSet, basename="location")
router.register("donors", views.DonorViewSet, basename="donor")
router.register("collections", views.CollectionViewSet, basename="collection")
router.register("devices", views.DeviceViewSet, basename="device")
router.register("stocktakes", audits.StocktakeViewSet, basename="stocktake")
router.register("recycling-shipments", audits.ShipmentViewSet, basename="shipment")
router.register("repairs", repairs.RepairViewSet, basename="repair")
router.register("parts", repairs.PartViewSet, basename="part")

urlpatterns = [
    path("scan/<str:code>", ScanView.as_view(), name="scan"),
    *router.urls,
]
