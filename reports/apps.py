from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports import (
            hooks,  # noqa: F401  (the donor's arrival mail, on inventory's signal)
            tasks,  # noqa: F401  (exports, yearly donor reports, certificate batches)
        )
