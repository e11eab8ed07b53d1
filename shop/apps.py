from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Solidarity shop")

    def ready(self):
        from workshop.reference import reference_seed_register

        # The starting price grid was seeded when the shop lived in the inventory app.
        reference_seed_register(
            "inventory.migrations.0005_seed_price_grid", probe="shop.PriceRule", order=30
        )
