"""Create the four role groups with their permissions."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; create them now so the
    # groups can receive them. ``models_module`` is restored: Django skips apps without it.
    for app_config in global_apps.get_app_configs():
        saved = app_config.models_module
        app_config.models_module = saved or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = saved

    from workshop.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("workshop", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inventory", "0003_seed_categories"),
        ("refurb", "0003_event_immutability_triggers"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
