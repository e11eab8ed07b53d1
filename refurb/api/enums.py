"""Choice sets of refurb named once for the OpenAPI schema (ENUM_NAME_OVERRIDES in settings)."""

from refurb.models import Destruction, Drive, NistMethod
from refurb.states import State

DEVICE_STATE = State.choices
DRIVE_KIND = Drive.Kind.choices
NIST_METHOD = NistMethod.choices
DESTRUCTION_METHOD = Destruction.Method.choices
DRIVE_STATUS = Drive.Status.choices
from refurb.models import Certificate  # noqa: E402

CERTIFICATE_KIND = Certificate.Kind.choices
