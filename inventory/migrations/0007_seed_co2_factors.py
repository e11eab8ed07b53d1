"""Seed the CO2e factors of the reuse estimate (editable data afterwards, in the admin).

Each factor is the cradle-to-grave climate-change impact of a NEW equivalent device, on the
assumption that one reused device spares the purchase of one new device. Only the figures
below are seeded; categories without a cited figure get no factor and are left out of the
estimate (the report says which).
"""

from decimal import Decimal

from django.db import migrations

SOURCE = (
    "ADEME (2018), « Modélisation et évaluation des impacts environnementaux de produits de "
    "consommation et biens d'équipement », column “Changement climatique cradle-to-grave”: "
    "{what} = {value} kg CO2e; figure as quoted by WeeeFund, « Comment mesurer l'impact "
    "environnemental du réemploi d'un ordinateur ? », 18 June 2021."
)
URL = (
    "https://weeefund.fr/index.php/2021/06/18/"
    "comment-mesurer-limpact-environnemental-du-reemploi-dun-ordinateur"
)

# category code, ADEME product, kg CO2e
FACTORS = [
    ("laptop", "ordinateur portable (bureautique)", "169"),
    ("desktop", "unité centrale (bureautique)", "189"),
    ("screen", "écran de 21,5 pouces", "236"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("inventory", "Category")
    Co2Factor = apps.get_model("inventory", "Co2Factor")
    for code, what, value in FACTORS:
        category = Category.objects.filter(code=code).first()
        if category is None:
            continue
        Co2Factor.objects.update_or_create(
            category=category,
            defaults={
                "kg_co2e_per_unit": Decimal(value),
                "source": SOURCE.format(what=what, value=value),
                "source_url": URL,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0006_audit")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
