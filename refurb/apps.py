from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefurbConfig(AppConfig):
    name = "refurb"
    verbose_name = _("Refurbishing")

    def ready(self):
        from workshop.reference import reference_seed_register

        # Categories were seeded when they lived in the inventory app.
        reference_seed_register(
            "inventory.migrations.0003_seed_categories", probe="refurb.Category", order=10
        )
        reference_seed_register(
            "refurb.migrations.0002_seed_checklists_grades", probe="refurb.Grade", order=20
        )
