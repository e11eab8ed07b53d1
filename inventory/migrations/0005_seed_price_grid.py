"""Seed a starting price grid so every graded device can go on sale (managers edit it).

One fallback row per category × grade, plus a "Performance" spec tier for computers. Amounts
are a starting point in euros, VAT included; the workshop sets its own in the admin.
"""

from decimal import Decimal

from django.db import migrations

# category: {grade: (solidarity, standard)}
GRID = {
    "laptop": {"A": (120, 200), "B": (90, 150), "C": (60, 100)},
    "desktop": {"A": (80, 140), "B": (60, 100), "C": (40, 70)},
    "all_in_one": {"A": (100, 170), "B": (80, 130), "C": (50, 90)},
    "screen": {"A": (25, 45), "B": (20, 35), "C": (10, 20)},
    "tablet": {"A": (60, 100), "B": (45, 75), "C": (30, 50)},
    "phone": {"A": (50, 90), "B": (35, 60), "C": (20, 35)},
    "printer": {"A": (30, 50), "B": (20, 35), "C": (10, 20)},
    "peripheral": {"A": (5, 10), "B": (3, 6), "C": (2, 4)},
    "server": {"A": (150, 300), "B": (100, 200), "C": (60, 120)},
    "network": {"A": (20, 40), "B": (15, 30), "C": (10, 20)},
}
PERFORMANCE_BONUS = {"laptop": (40, 60), "desktop": (30, 50), "all_in_one": (30, 50)}


def seed(apps, schema_editor):
    Category = apps.get_model("inventory", "Category")
    Grade = apps.get_model("refurb", "Grade")
    SpecTier = apps.get_model("inventory", "SpecTier")
    PriceRule = apps.get_model("inventory", "PriceRule")
    grades = {grade.code: grade for grade in Grade.objects.all()}
    performance, _created = SpecTier.objects.get_or_create(
        name="Performance",
        defaults={"rank": 10, "min_cpu_generation": 8, "min_ram_gb": 8, "min_storage_gb": 240},
    )
    for category in Category.objects.filter(code__in=GRID):
        for code, (solidarity, standard) in GRID[category.code].items():
            if code not in grades:
                continue
            PriceRule.objects.get_or_create(
                category=category,
                grade=grades[code],
                spec_tier=None,
                defaults={
                    "solidarity_price": Decimal(solidarity),
                    "standard_price": Decimal(standard),
                },
            )
            bonus = PERFORMANCE_BONUS.get(category.code)
            if bonus:
                PriceRule.objects.get_or_create(
                    category=category,
                    grade=grades[code],
                    spec_tier=performance,
                    defaults={
                        "solidarity_price": Decimal(solidarity + bonus[0]),
                        "standard_price": Decimal(standard + bonus[1]),
                    },
                )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_shop"),
        ("refurb", "0002_seed_checklists_grades"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
