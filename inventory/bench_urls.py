"""URL names of the inventory's bench screens: the scan field and the intake bench (namespace
``bench``, put together in ``workshop/urls.py``)."""

from django.urls import path

from inventory.views import bench, intake

urlpatterns = [
    path("scan/", bench.scan, name="scan"),
    path("device/", bench.lookup, name="lookup"),
    path("intake/", intake.intake, name="intake"),
    path("intake/collection/", intake.collection_open, name="collection-open"),
    path("intake/collection/new/", intake.collection_create, name="collection-create"),
    path("intake/register/", intake.device_register, name="device-register"),
    path("intake/<str:tag>/", intake.intake_device, name="intake-device"),
]
