"""Seed the equipment categories (editable data afterwards)."""

from decimal import Decimal

from django.db import migrations

# code, French name, holds data, WEEE category (French DEEE 1-6), typical weight kg
CATEGORIES = [
    ("desktop", "Ordinateur de bureau", True, "6", "7.5"),
    ("laptop", "Ordinateur portable", True, "2", "2.2"),
    ("all_in_one", "Tout-en-un", True, "2", "8.0"),
    ("screen", "Écran", False, "2", "4.5"),
    ("tablet", "Tablette", True, "2", "0.6"),
    ("phone", "Téléphone", True, "6", "0.2"),
    ("printer", "Imprimante", True, "5", "9.0"),
    ("peripheral", "Périphérique", False, "6", "0.5"),
    ("server", "Serveur", True, "4", "20.0"),
    ("network", "Équipement réseau", True, "6", "1.5"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("inventory", "Category")
    for order, (code, name, holds_data, weee, weight) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "holds_data": holds_data,
                "weee_category": weee,
                "default_weight_kg": Decimal(weight),
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
