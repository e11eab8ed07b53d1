"""Shop routes under /api/ (included by ``workshop/api/urls.py``)."""

from rest_framework.routers import SimpleRouter

from shop.api import views

router = SimpleRouter()
router.register("buyers", views.BuyerViewSet, basename="buyer")
router.register("price-grid", views.PriceRuleViewSet, basename="pricerule")
router.register("kits", views.KitViewSet, basename="kit")
router.register("reservations", views.ReservationViewSet, basename="reservation")
router.register("sales", views.SaleViewSet, basename="sale")
router.register("credit-notes", views.CreditNoteViewSet, basename="creditnote")

urlpatterns = router.urls
