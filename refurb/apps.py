from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefurbConfig(AppConfig):
    name = "refurb"
    verbose_name = _("Refurbishing")

    def ready(self):
        from refurb import checks, hooks, tasks  # noqa: F401  (reference data, checks, jobs)
