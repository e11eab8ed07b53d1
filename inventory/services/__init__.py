"""Inventory services, one module per area; import them from ``inventory.services``."""

from inventory.services.audit import (  # noqa: F401, E402
    stocktake_close,
    stocktake_open,
    stocktake_reconcile,
    stocktake_record_scan,
    stocktake_resolve_line,
)
from inventory.services.core import (  # noqa: F401
    collection_create,
    device_move,
    donor_create,
    location_create,
)
from inventory.services.recycling import (  # noqa: F401, E402
    shipment_add_device,
    shipment_add_parts,
    shipment_open,
    shipment_record_certificate,
    shipment_remove_line,
    shipment_ship,
)
