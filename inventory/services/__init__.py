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
    device_register,
    donor_create,
    location_create,
)
from inventory.services.personal_data import (  # noqa: F401, E402
    personal_data_export,
    personal_data_pseudonymise,
)
from inventory.services.recycling import (  # noqa: F401, E402
    shipment_add_device,
    shipment_add_parts,
    shipment_open,
    shipment_record_certificate,
    shipment_remove_line,
    shipment_ship,
)
from inventory.services.sales import (  # noqa: F401, E402
    sale_complete,
    sale_return,
)
from inventory.services.shop import (  # noqa: F401, E402
    apply_price,
    buyer_create,
    buyer_recheck,
    device_price_override,
    kit_assemble,
    kit_dismantle,
    reservation_create,
    reservation_release,
    reservations_expire,
)
