from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        from workshop.reference import reference_seed_register

        reference_seed_register(
            "inventory.migrations.0007_seed_co2_factors", probe="inventory.Co2Factor", order=40
        )
