"""Seed the system images (free software by default) and the categories that need a system
before they go on sale: computers, not screens (editable data afterwards, by a manager)."""

from django.db import migrations

# code, name, version (the images the workshop installs; a manager adds others)
IMAGES = [
    ("linuxmint-22", "Linux Mint", "22.1"),
    ("debian-12", "Debian", "12"),
    ("emmabuntus-de5", "Emmabuntüs", "DE5"),
]
NEEDS_SYSTEM = ("desktop", "laptop", "all_in_one")


def seed(apps, schema_editor):
    SystemImage = apps.get_model("refurb", "SystemImage")
    Category = apps.get_model("refurb", "Category")
    for order, (code, name, version) in enumerate(IMAGES):
        SystemImage.objects.get_or_create(
            code=code,
            defaults={"name": name, "version": version, "licence": "free", "order": order},
        )
    Category.objects.filter(code__in=NEEDS_SYSTEM).update(needs_system=True)


class Migration(migrations.Migration):
    dependencies = [("refurb", "0016_software_installation"), ("inventory", "0003_seed_categories")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
