"""What the inventory registers with the layers below it once the app is ready."""

from workshop.reference import reference_seed_register

reference_seed_register(
    "inventory.migrations.0007_seed_co2_factors", probe="inventory.Co2Factor", order=40
)
