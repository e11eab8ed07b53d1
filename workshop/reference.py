"""Reference data every workshop needs: categories, checklists, grades and role groups.

The data migrations seed it. Emptying the database (a test flush, a restore gone wrong) and
migrating again restores it through ``ensure_reference_data``, run after every ``migrate``.
"""

from __future__ import annotations

import importlib

SEEDS = (
    "inventory.migrations.0003_seed_categories",
    "refurb.migrations.0002_seed_checklists_grades",
    "inventory.migrations.0005_seed_price_grid",
    "inventory.migrations.0007_seed_co2_factors",
)


def ensure_reference_data() -> None:
    """Seed categories, checklists and grades when they are missing, then sync role groups."""
    from django.apps import apps

    from inventory.models import Category
    from workshop.roles import sync_roles

    if not Category.objects.exists():
        for module in SEEDS:
            importlib.import_module(module).seed(apps, None)
    sync_roles()


def ensure_reference_data_after_migrate(sender, app_config=None, using="default", **kwargs):
    """post_migrate handler: act once, after the last app, so every permission exists."""
    from django.apps import apps

    if using != "default" or app_config is None:
        return
    if app_config.label != list(apps.get_app_configs())[-1].label:
        return
    ensure_reference_data()
