"""Seed the waste codes of electrical and electronic equipment (editable data afterwards).

From the list of waste (annexe II à l'article R. 541-8 du code de l'environnement, décision
2000/532/CE): the codes a refurbishing workshop ships, a star for hazardous waste.
"""

from django.db import migrations

CODES = [
    ("16 02 14", "Équipements mis au rebut autres que ceux visés aux rubriques 16 02 09 à 16 02 13", False),
    ("16 02 13*", "Équipements mis au rebut contenant des composants dangereux autres que ceux visés aux rubriques 16 02 09 à 16 02 12", True),
    ("16 02 16", "Composants retirés des équipements mis au rebut autres que ceux visés à la rubrique 16 02 15", False),
    ("16 02 15*", "Composants dangereux retirés des équipements mis au rebut", True),
    ("16 06 05", "Autres piles et accumulateurs", False),
    ("20 01 36", "Équipements électriques et électroniques mis au rebut autres que ceux visés aux rubriques 20 01 21, 20 01 23 et 20 01 35", False),
    ("20 01 35*", "Équipements électriques et électroniques mis au rebut contenant des composants dangereux, autres que ceux visés aux rubriques 20 01 21 et 20 01 23", True),
    ("20 01 34", "Piles et accumulateurs autres que ceux visés à la rubrique 20 01 33", False),
    ("20 01 33*", "Piles et accumulateurs visés aux rubriques 16 06 01, 16 06 02 ou 16 06 03 et piles et accumulateurs non triés contenant ces piles", True),
]


def seed(apps, schema_editor):
    WasteCode = apps.get_model("inventory", "WasteCode")
    for order, (code, label, hazardous) in enumerate(CODES):
        WasteCode.objects.get_or_create(
            code=code, defaults={"label": label, "hazardous": hazardous, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0017_waste_register")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
