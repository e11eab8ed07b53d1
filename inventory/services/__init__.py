"""Inventory services, one module per area; import them from ``inventory.services``."""

from inventory.services.core import (  # noqa: F401
    collection_create,
    device_move,
    device_register,
    donor_create,
    location_create,
    tag_allocate,
)
