"""Inventory models, one module per area; import them from ``inventory.models``."""

from inventory.models.audit import (  # noqa: F401
    Co2Factor,
    Stocktake,
    StocktakeLine,
    StocktakeScan,
)
from inventory.models.core import Collection, Donor, Location, validate_siret  # noqa: F401
from inventory.models.donations import (  # noqa: F401
    CollectionRound,
    DonationOffer,
    OfferLine,
    PickupSlip,
    RoundStop,
)
from inventory.models.parts import Part, PartMovement, StocktakePartScan  # noqa: F401
from inventory.models.recycling import RecyclingShipment, RecyclingShipmentLine  # noqa: F401
from inventory.models.waste import Carrier, ReceivingFacility, WasteCode  # noqa: F401
