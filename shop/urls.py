"""URLs of the shop screens and of the public device page (``/d/<tag>``)."""

from django.urls import path

from shop import catalogue_views, views

app_name = "shop"

urlpatterns = [
    path("d/<str:tag>", views.public_device, name="public_device"),
    path("catalogue/", catalogue_views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/", catalogue_views.catalogue_offer, name="catalogue_offer"),
    path(
        "catalogue/parts/<str:site>/<str:category>/",
        catalogue_views.catalogue_parts,
        name="catalogue_parts",
    ),
    path("shop/counter/", views.counter, name="counter"),
    path("shop/counter/scan/", views.counter_scan, name="counter_scan"),
    path("shop/counter/remove/", views.counter_remove, name="counter_remove"),
    path("shop/counter/buyer/", views.counter_buyer, name="counter_buyer"),
    path("shop/counter/buyer/new/", views.counter_buyer_new, name="counter_buyer_new"),
    path("shop/counter/complete/", views.counter_complete, name="counter_complete"),
    path("shop/sales/<int:pk>/", views.sale_detail, name="sale"),
    path("shop/sales/<int:pk>/return/", views.sale_return, name="sale_return"),
    path("shop/sales/<int:pk>/invoice.pdf", views.sale_invoice, name="sale_invoice"),
    path("shop/credit-notes/<int:pk>.pdf", views.credit_note_document, name="credit_note_pdf"),
]
