"""What refurb registers with the workshop layer once the app is ready: its reference data."""

from workshop.reference import reference_seed_register

# Categories were seeded when they lived in the inventory app.
reference_seed_register(
    "inventory.migrations.0003_seed_categories", probe="refurb.Category", order=10
)
reference_seed_register(
    "refurb.migrations.0002_seed_checklists_grades", probe="refurb.Grade", order=20
)
# After the categories: the system images, and which categories need one (issue 22).
reference_seed_register(
    "refurb.migrations.0017_seed_system_images", probe="refurb.SystemImage", order=15
)
