from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopConfig(AppConfig):
    name = "workshop"
    verbose_name = _("Workshop")

    def ready(self):
        from django.db.models.signals import post_migrate

        from workshop import tasks  # noqa: F401  (the workshop's jobs and the schedule)
        from workshop.reference import ensure_reference_data_after_migrate

        post_migrate.connect(
            ensure_reference_data_after_migrate, dispatch_uid="atelier_reference_data"
        )
