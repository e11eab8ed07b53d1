"""Routes of the inventory's manager screens: stocktakes and recycling shipments."""

from django.urls import path

from inventory.views import office as views
from inventory.views import waste

app_name = "inventory"

urlpatterns = [
    path("stocktakes/", views.stocktake_list, name="stocktake_list"),
    path("stocktakes/<int:pk>/", views.stocktake_detail, name="stocktake_detail"),
    path("stocktakes/<int:pk>/scan/", views.stocktake_scan, name="stocktake_scan"),
    path("stocktakes/<int:pk>/scans", views.stocktake_scan_api, name="stocktake_scan_api"),
    path("stocktakes/<int:pk>/reconcile/", views.stocktake_reconcile, name="stocktake_reconcile"),
    path(
        "stocktakes/<int:pk>/lines/<int:line_pk>/resolve/",
        views.stocktake_resolve,
        name="stocktake_resolve",
    ),
    path(
        "stocktakes/<int:pk>/resolve/",
        views.stocktake_resolve_bulk,
        name="stocktake_resolve_bulk",
    ),
    path("stocktakes/<int:pk>/close/", views.stocktake_close, name="stocktake_close"),
    path("stocktakes/<int:pk>/report.pdf", views.stocktake_report_pdf, name="stocktake_pdf"),
    path("stocktakes/<int:pk>/report.csv", views.stocktake_report_csv, name="stocktake_csv"),
    path("waste-register/", waste.waste_register_screen, name="waste_register"),
    path("waste-register.csv", waste.waste_register_download, name="waste_register_csv"),
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("shipments/<int:pk>/", views.shipment_detail, name="shipment_detail"),
    path("shipments/<int:pk>/slip.pdf", views.shipment_slip, name="shipment_slip"),
]
