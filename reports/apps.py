from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from inventory.signals import collection_arrived
        from reports import tasks  # noqa: F401  (exports, yearly donor reports, certificate batches)
        from reports.views_donors import collection_arrived_mail

        collection_arrived.connect(collection_arrived_mail, dispatch_uid="reports-donor-arrived")
