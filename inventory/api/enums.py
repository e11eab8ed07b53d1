"""Choice sets of the inventory named once for the OpenAPI schema (ENUM_NAME_OVERRIDES)."""

from inventory.models import Donor, Location

LOCATION_KIND = Location.Kind.choices
DONOR_KIND = Donor.Kind.choices
