"""Reference data every workshop needs (categories, checklists, grades, price grid, CO2e
factors) and the role groups, restored after the database is emptied.

The data migrations seed it. Emptying the database (a test flush, a restore gone wrong) and
migrating again restores it through ``ensure_reference_data``, run after every ``migrate``.
Each app registers its seed migrations from its ``AppConfig.ready()`` with
``reference_seed_register``, so this module names no app.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class _Seed:
    order: int
    module: str
    probe: str


_SEEDS: dict[str, _Seed] = {}


def reference_seed_register(module: str, *, probe: str, order: int) -> None:
    """Register the data migration ``module`` (it has a ``seed(apps, schema_editor)``): it runs
    again, in ``order``, whenever the model ``probe`` ("app_label.Model") has no row."""
    _SEEDS[module] = _Seed(order, module, probe)


class _LiveModels:
    """The live app registry as a seed migration expects it: a model asked for under the app
    that held it when the seed was written is found in the app that holds it today."""

    def get_model(self, app_label: str, model_name: str):
        from django.apps import apps

        try:
            return apps.get_model(app_label, model_name)
        except LookupError:
            for config in apps.get_app_configs():
                try:
                    return config.get_model(model_name)
                except LookupError:
                    continue
            raise


def ensure_reference_data() -> None:
    """Seed every registered reference table that is empty, then sync the role groups."""
    from django.apps import apps

    from workshop.roles import sync_roles

    empty = {seed.probe for seed in _SEEDS.values()}
    empty = {label for label in empty if not apps.get_model(label).objects.exists()}
    for seed in sorted(_SEEDS.values(), key=lambda seed: seed.order):
        if seed.probe in empty:
            importlib.import_module(seed.module).seed(_LiveModels(), None)
    sync_roles()


def ensure_reference_data_after_migrate(sender, app_config=None, using="default", **kwargs):
    """post_migrate handler: act once, after the last app, so every permission exists."""
    from django.apps import apps

    if using != "default" or app_config is None:
        return
    # post_migrate is sent for apps with models only.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config.label != with_models[-1].label:
        return
    ensure_reference_data()
