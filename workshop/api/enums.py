"""Choice sets named once for the OpenAPI schema (see ENUM_NAME_OVERRIDES in settings)."""

from inventory.models import Donor, Location
from refurb.models import Destruction, Drive, NistMethod
from refurb.states import State
from workshop.models import WorkstationKind

DEVICE_STATE = State.choices
DRIVE_KIND = Drive.Kind.choices
LOCATION_KIND = Location.Kind.choices
DONOR_KIND = Donor.Kind.choices
WORKSTATION_KIND = WorkstationKind.choices
NIST_METHOD = NistMethod.choices
DESTRUCTION_METHOD = Destruction.Method.choices
DRIVE_STATUS = Drive.Status.choices
