from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data and the benchmark's entry point: the only code that uses every layer."""

    name = "demo"
    verbose_name = _("Demo")
