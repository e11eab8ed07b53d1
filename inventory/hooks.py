"""What the inventory registers with the layers below it once the app is ready."""

from refurb.events import event_fields_register
from workshop.reference import reference_seed_register

# What stocktakes and recycling shipments record in the transition events they make.
event_fields_register("transition", stocktake=(int,), shipment=(int,), recycler=(str,))
# Parts taken out of a device and fitted into one (inventory.services.parts).
event_fields_register("part_removed", part=(str,), category=(str,))
event_fields_register(
    "part_fitted", part=(str,), category=(str,), origin=(str,), repair=(int,), specs=(dict,)
)
# A drive part fitted: its drive (and evidence) now belongs to the device it was fitted into.
event_fields_register("part_fitted", drive=(str,), drive_from=(str,))

reference_seed_register(
    "inventory.migrations.0007_seed_co2_factors", probe="inventory.Co2Factor", order=40
)
# ...and their sources in French, as migration 0015 rewrote them.
reference_seed_register(
    "inventory.migrations.0015_manager_co2_source_fr", probe="inventory.Co2Factor", order=41
)
reference_seed_register(
    "inventory.migrations.0018_seed_waste_codes", probe="inventory.WasteCode", order=45
)
