"""The CO2e factors' source in French: the reports print it as it is stored.

Rewrites the sources seeded by ``0007_seed_co2_factors`` (only those still as seeded: a source
edited in the admin is left alone); reversing writes the seeded wording back.
"""

from django.db import migrations

URL = (
    "https://weeefund.fr/index.php/2021/06/18/"
    "comment-mesurer-limpact-environnemental-du-reemploi-dun-ordinateur"
)

SEEDED = (
    "ADEME (2018), « Modélisation et évaluation des impacts environnementaux de produits de "
    "consommation et biens d'équipement », column “Changement climatique cradle-to-grave”: "
    "{what} = {value} kg CO2e; figure as quoted by WeeeFund, « Comment mesurer l'impact "
    "environnemental du réemploi d'un ordinateur ? », 18 June 2021."
)
NNBSP = "\u202f"
FRENCH = (
    f"ADEME (2018), «{NNBSP}Modélisation et évaluation des impacts environnementaux de "
    f"produits de consommation et biens d’équipement{NNBSP}», colonne «{NNBSP}Changement "
    f"climatique cradle-to-grave{NNBSP}»{NNBSP}: {{what}} = {{value}}{NNBSP}kg CO2e{NNBSP}; "
    f"chiffre cité par WeeeFund, «{NNBSP}Comment mesurer l’impact environnemental du réemploi "
    f"d’un ordinateur{NNBSP}?{NNBSP}», 18 juin 2021."
)

FACTORS = [
    ("laptop", "ordinateur portable (bureautique)", "169"),
    ("desktop", "unité centrale (bureautique)", "189"),
    ("screen", "écran de 21,5 pouces", "236"),
]


def _rewrite(apps, old: str, new: str) -> None:
    Co2Factor = apps.get_model("inventory", "Co2Factor")
    for code, what, value in FACTORS:
        Co2Factor.objects.filter(
            category__code=code, source=old.format(what=what, value=value)
        ).update(source=new.format(what=what, value=value))


def to_french(apps, schema_editor):
    _rewrite(apps, SEEDED, FRENCH)


# Run again after 0007's seed when the reference data is seeded anew (inventory/hooks.py).
seed = to_french


def to_seeded(apps, schema_editor):
    _rewrite(apps, FRENCH, SEEDED)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0014_hand_over_moved_models")]
    operations = [migrations.RunPython(to_french, to_seeded)]
