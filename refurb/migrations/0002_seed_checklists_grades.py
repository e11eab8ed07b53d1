"""Seed the grades and each category's test checklist (editable data afterwards)."""

from django.db import migrations

GRADES = [
    ("A", "Comme neuf", "Aucune trace visible à 30 cm ; écran sans rayure ni pixel mort ; "
     "batterie à 80 % ou plus de sa capacité d'origine ; tout fonctionne."),
    ("B", "Très bon état", "Légères traces d'usage visibles de près ; écran sans pixel mort ; "
     "batterie à 60 % ou plus ; tout fonctionne."),
    ("C", "État correct", "Rayures ou marques visibles, pièce de couleur différente possible ; "
     "batterie à 40 % ou plus ; tout fonctionne, défauts esthétiques signalés à l'acheteur."),
]

COMMON = [("power_on", "Démarre et s'allume", True)]
CHECKLISTS = {
    "desktop": COMMON + [
        ("bios_post", "Passe l'auto-test du BIOS", True),
        ("ram_test", "Test mémoire sans erreur", True),
        ("storage_smart", "Disque sain (SMART)", True),
        ("usb_ports", "Tous les ports USB fonctionnent", True),
        ("network", "Réseau filaire fonctionnel", True),
        ("audio", "Sortie audio", False),
    ],
    "laptop": COMMON + [
        ("screen", "Écran sans pixel mort ni fuite de lumière", True),
        ("keyboard", "Toutes les touches du clavier", True),
        ("touchpad", "Pavé tactile et clics", True),
        ("storage_smart", "Disque sain (SMART)", True),
        ("usb_ports", "Tous les ports USB fonctionnent", True),
        ("wifi", "Wi-Fi fonctionnel", True),
        ("battery", "Batterie tient la charge", True),
        ("charger", "Chargeur fourni et fonctionnel", True),
        ("webcam", "Webcam", False),
        ("audio", "Haut-parleurs et prise casque", False),
    ],
    "all_in_one": COMMON + [
        ("screen", "Écran sans pixel mort", True),
        ("storage_smart", "Disque sain (SMART)", True),
        ("usb_ports", "Tous les ports USB fonctionnent", True),
        ("network", "Réseau fonctionnel", True),
        ("webcam", "Webcam", False),
    ],
    "screen": COMMON + [
        ("dead_pixels", "Aucun pixel mort", True),
        ("inputs", "Toutes les entrées vidéo", True),
        ("stand", "Pied stable", False),
    ],
    "tablet": COMMON + [
        ("touchscreen", "Écran tactile sur toute la surface", True),
        ("battery", "Batterie tient la charge", True),
        ("factory_reset", "Réinitialisé, compte du donateur retiré", True),
        ("wifi", "Wi-Fi fonctionnel", True),
    ],
    "phone": COMMON + [
        ("touchscreen", "Écran tactile sur toute la surface", True),
        ("battery", "Batterie tient la charge", True),
        ("factory_reset", "Réinitialisé, compte du donateur retiré", True),
        ("calls", "Appels et réseau mobile", True),
    ],
    "printer": COMMON + [
        ("test_page", "Page de test correcte", True),
        ("consumables", "Consommables présents", False),
    ],
    "peripheral": COMMON + [("works", "Fonctionne sur un poste de test", True)],
    "server": COMMON + [
        ("bios_post", "Passe l'auto-test du BIOS", True),
        ("ram_test", "Test mémoire sans erreur", True),
        ("storage_smart", "Disques sains (SMART)", True),
        ("psu", "Alimentations redondantes", False),
    ],
    "network": COMMON + [
        ("factory_reset", "Configuration d'usine restaurée", True),
        ("ports", "Tous les ports fonctionnent", True),
    ],
}


def seed(apps, schema_editor):
    Grade = apps.get_model("refurb", "Grade")
    Category = apps.get_model("inventory", "Category")
    ChecklistItem = apps.get_model("refurb", "ChecklistItem")
    for order, (code, name, criteria) in enumerate(GRADES):
        Grade.objects.update_or_create(
            code=code, defaults={"name": name, "criteria": criteria, "order": order}
        )
    for category_code, items in CHECKLISTS.items():
        category = Category.objects.get(code=category_code)
        for order, (code, label, mandatory) in enumerate(items):
            ChecklistItem.objects.update_or_create(
                category=category,
                code=code,
                defaults={"label": label, "mandatory": mandatory, "order": order},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("refurb", "0001_initial"),
        ("inventory", "0003_seed_categories"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
