"""Seed the skills framework in French, in the words a coach uses (editable by managers)."""

from django.db import migrations

# (code, bench, evidence, name, what it means)
FRAMEWORK = [
    ("register", "intake", "registered", "Enregistrer un appareil",
     "Prendre un appareil à l'accueil : le peser, noter la marque, le modèle et le numéro de "
     "série, choisir la bonne catégorie et coller l'étiquette."),
    ("erase", "erasure", "erased", "Effacer et contrôler les disques",
     "Trouver tous les supports de données (disque, SSD, carte mémoire), lancer l'effacement, "
     "vérifier qu'il a réussi, ou déclarer qu'il n'y a pas de stockage."),
    ("checklist", "test", "checklist", "Passer la liste de contrôle",
     "Tester l'appareil point par point (démarrage, écran, clavier, ports, batterie) et noter "
     "honnêtement ce qui ne marche pas."),
    ("diagnose", "repair", "diagnosis", "Diagnostiquer une panne",
     "Chercher d'où vient une panne, la décrire clairement et proposer quoi faire."),
    ("repair", "repair", "repair", "Réparer ou remplacer une pièce",
     "Démonter, changer une pièce (barrette mémoire, disque, clavier, batterie), remonter et "
     "vérifier que tout fonctionne."),
    ("grade", "grading", "graded", "Classer un appareil (A, B ou C)",
     "Regarder l'état de l'appareil et lui donner une note selon les critères écrits."),
    ("sell", "shop", "sold", "Accueillir et vendre en boutique",
     "Accueillir un acheteur, lui présenter un appareil, vérifier ses droits et encaisser."),
    ("stocktake", "stock", "stock", "Ranger et inventorier le stock",
     "Ranger chaque appareil à son emplacement, scanner le stock lors d'un inventaire."),
    ("collection", "collection", "", "Faire une tournée de collecte",
     "Préparer la tournée, charger le matériel en sécurité, remplir le bon d'enlèvement avec "
     "le donateur."),
    ("safety", "transversal", "", "Travailler en sécurité",
     "Porter les protections, manipuler les batteries et les écrans sans danger, garder son "
     "poste propre et rangé."),
    ("teamwork", "transversal", "", "Travailler en équipe",
     "Demander de l'aide, passer le relais, respecter les horaires et les consignes, aider "
     "un collègue."),
]


def seed(apps, schema_editor):
    Skill = apps.get_model("skills", "Skill")
    for order, (code, bench, evidence, name, description) in enumerate(FRAMEWORK, start=1):
        Skill.objects.get_or_create(
            code=code,
            defaults={
                "bench": bench,
                "evidence": evidence,
                "name": name,
                "description": description,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
