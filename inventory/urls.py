"""Routes of the inventory's manager screens: stocktakes and recycling shipments."""

from django.urls import path

from inventory.views import donations, waste
from inventory.views import office as views

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
    # Donations: the public form and follow page (no account), then the managers' screens.
    path("donate/", donations.donate, name="donate"),
    path("donate/thanks/", donations.donation_thanks, name="donation_thanks"),
    path("donate/follow/<str:token>/", donations.donation_follow, name="donation_follow"),
    path("offers/", donations.offer_list, name="offer_list"),
    path("offers/<int:pk>/", donations.offer_detail, name="offer_detail"),
    path("rounds/", donations.round_list, name="round_list"),
    path("rounds/new/", donations.round_plan, name="round_plan"),
    path("rounds/<int:pk>/", donations.round_detail, name="round_detail"),
    path("rounds/<int:pk>/sheet.pdf", donations.round_sheet, name="round_sheet"),
    path("rounds/<int:pk>/stops/<int:stop_pk>/slip/", donations.slip_record, name="slip_record"),
    path(
        "rounds/<int:pk>/stops/<int:stop_pk>/slip.pdf",
        donations.slip_download,
        name="slip_download",
    ),
]
