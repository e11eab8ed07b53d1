"""What the inventory registers with the layers below it once the app is ready."""

from refurb.events import event_fields_register
from workshop.reference import reference_seed_register

# What stocktakes and recycling shipments record in the transition events they make.
event_fields_register("transition", stocktake=(int,), shipment=(int,), recycler=(str,))

reference_seed_register(
    "inventory.migrations.0007_seed_co2_factors", probe="inventory.Co2Factor", order=40
)
reference_seed_register(
    "inventory.migrations.0017_seed_waste_codes", probe="inventory.WasteCode", order=45
)
