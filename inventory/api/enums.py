"""Choice sets of the inventory named once for the OpenAPI schema (ENUM_NAME_OVERRIDES)."""

from inventory.models import Donor, Location

LOCATION_KIND = Location.Kind.choices
DONOR_KIND = Donor.Kind.choices

from inventory.models import RecyclingShipment, Stocktake, StocktakeLine  # noqa: E402

STOCKTAKE_STATUS = Stocktake.Status.choices
STOCKTAKE_FINDING = StocktakeLine.Kind.choices
STOCKTAKE_RESOLUTION = StocktakeLine.Resolution.choices
SHIPMENT_STATUS = RecyclingShipment.Status.choices
