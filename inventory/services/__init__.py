"""Inventory services, one module per area; import them from ``inventory.services``."""

from inventory.services.core import (  # noqa: F401
    collection_create,
    device_move,
    donor_create,
    location_create,
)
from inventory.services.parts import (  # noqa: F401
    PartSpec,
    device_harvest,
    part_destroy,
    part_fit,
    part_move,
    part_record_test,
    part_remove,
    part_set_price,
)
from inventory.services.recycling import (  # noqa: F401, E402
    shipment_add_device,
    shipment_add_part,
    shipment_add_parts,
    shipment_open,
    shipment_record_certificate,
    shipment_remove_line,
    shipment_set_register,
    shipment_ship,
)
from inventory.services.stocktake_close import (  # noqa: F401
    stocktake_close,
    stocktake_resolve_line,
    stocktake_resolve_lines,
)
from inventory.services.stocktake_reconcile import stocktake_reconcile  # noqa: F401
from inventory.services.stocktake_scans import (  # noqa: F401
    stocktake_open,
    stocktake_record_scan,
)
