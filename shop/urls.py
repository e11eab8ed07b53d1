"""URLs of the shop screens and of the public device page (``/d/<tag>``)."""

from django.urls import path

from shop import catalogue_views, views, views_accounts, views_orders

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
    # Shop staff: online orders and association applications.
    path("shop/orders/", views_orders.order_list, name="orders"),
    path("shop/orders/scan/", views_orders.order_scan, name="order_scan"),
    path("shop/orders/<int:pk>/", views_orders.order_detail, name="order"),
    path("shop/orders/<int:pk>/pick/", views_orders.order_pick, name="order_pick"),
    path("shop/orders/<int:pk>/confirm/", views_orders.order_confirm, name="order_confirm"),
    path("shop/orders/<int:pk>/hand-over/", views_orders.order_hand_over, name="order_hand_over"),
    path("shop/orders/<int:pk>/ship/", views_orders.order_ship, name="order_ship"),
    path("shop/orders/<int:pk>/cancel/", views_orders.order_cancel, name="order_cancel"),
    path(
        "shop/orders/<int:pk>/delivery-note.pdf",
        views_orders.order_delivery_note,
        name="order_delivery_note",
    ),
    path("shop/accounts/", views_orders.account_list, name="review_accounts"),
    path("shop/accounts/<int:pk>/", views_orders.account_detail, name="review_account"),
    # Association accounts (public sign-up, Django's auth views, the account holder's pages).
    path("account/signup/", views_accounts.signup, name="account_signup"),
    path("account/signup/sent/", views_accounts.signup_sent, name="account_signup_sent"),
    path(
        "account/confirm/<str:uidb64>/<str:token>/",
        views_accounts.confirm,
        name="account_confirm",
    ),
    path("account/signin/", views_accounts.signin, name="account_signin"),
    path("account/signout/", views_accounts.signout, name="account_signout"),
    path("account/password/", views_accounts.password_change, name="account_password"),
    path("account/password/reset/", views_accounts.password_reset, name="account_reset"),
    path(
        "account/password/reset/sent/",
        views_accounts.password_reset_sent,
        name="account_reset_sent",
    ),
    path(
        "account/password/reset/<str:uidb64>/<str:token>/",
        views_accounts.password_reset_confirm,
        name="account_reset_confirm",
    ),
    path(
        "account/password/reset/done/",
        views_accounts.password_reset_done,
        name="account_reset_done",
    ),
    path("account/", views_accounts.account_home, name="account"),
    path("account/offers/", views_accounts.offers, name="account_offers"),
    path("account/basket/", views_accounts.basket, name="basket"),
    path("account/basket/add/", views_accounts.basket_add, name="basket_add"),
    path("account/basket/remove/", views_accounts.basket_remove, name="basket_remove"),
    path("account/basket/place/", views_accounts.basket_place, name="basket_place"),
    path("account/orders/<int:pk>/", views_accounts.account_order, name="account_order"),
    path(
        "account/orders/<int:pk>/cancel/",
        views_accounts.account_order_cancel,
        name="account_order_cancel",
    ),
    path("account/invoices/<int:pk>.pdf", views_accounts.account_invoice, name="account_invoice"),
    path(
        "account/credit-notes/<int:pk>.pdf",
        views_accounts.account_credit_note,
        name="account_credit_note",
    ),
]
