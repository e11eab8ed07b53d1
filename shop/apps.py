from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Solidarity shop")

    def ready(self):
        from shop import hooks  # noqa: F401  (registers the shop's rules with lower layers)
