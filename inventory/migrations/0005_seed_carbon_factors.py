"""Seed the CO2e avoided by reuse for categories with a published figure (editable data)."""

from decimal import Decimal

from django.db import migrations

# Only figures we can cite; a manager adds the other categories with their own source.
FACTORS = [
    (
        "laptop",
        "156",
        "ADEME, Base Empreinte / Impact CO2 (impactco2.fr), ordinateur portable: "
        "~156 kg CO2e for manufacturing, avoided when a reused laptop replaces a new one",
    ),
]


def seed(apps, schema_editor):
    Category = apps.get_model("inventory", "Category")
    CarbonFactor = apps.get_model("inventory", "CarbonFactor")
    for code, kg, source in FACTORS:
        category = Category.objects.filter(code=code).first()
        if category is not None:
            CarbonFactor.objects.update_or_create(
                category=category, defaults={"kg_co2e": Decimal(kg), "source": source}
            )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_shop")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
