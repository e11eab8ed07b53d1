"""URL names of the inventory's bench screens: the scan field and the intake bench (namespace
``bench``, put together in ``workshop/urls.py``)."""

from django.urls import path

from inventory.views import bench, intake, repairs

urlpatterns = [
    path("scan/", bench.scan, name="scan"),
    path("device/", bench.lookup, name="lookup"),
    path("intake/", intake.intake, name="intake"),
    path("intake/collection/", intake.collection_open, name="collection-open"),
    path("intake/collection/new/", intake.collection_create, name="collection-create"),
    path("intake/register/", intake.device_register, name="device-register"),
    path("intake/<str:tag>/", intake.intake_device, name="intake-device"),
    path("repair/device/<str:tag>/", repairs.repair_for_device, name="repair-device"),
    path("repair/<int:pk>/", repairs.repair_ticket, name="repair"),
    path("repair/<int:pk>/diagnosis/", repairs.repair_diagnosis, name="repair-diagnosis"),
    path("repair/<int:pk>/work/", repairs.repair_work, name="repair-work"),
    path("repair/<int:pk>/fit/", repairs.repair_fit, name="repair-fit"),
    path("repair/<int:pk>/remove/", repairs.repair_remove, name="repair-remove"),
    path("repair/<int:pk>/harvest/", repairs.repair_harvest, name="repair-harvest"),
    path("repair/<int:pk>/repaired/", repairs.repair_repaired, name="repair-repaired"),
    path("repair/<int:pk>/recycle/", repairs.repair_recycle, name="repair-recycle"),
    path("parts/", repairs.parts_stock, name="parts"),
    path("part/<str:tag>/", repairs.part_card, name="part"),
    path("part/<str:tag>/label/", repairs.part_label, name="part-label"),
    path("part/<str:tag>/test/", repairs.part_test, name="part-test"),
    path("part/<str:tag>/price/", repairs.part_price, name="part-price"),
]
