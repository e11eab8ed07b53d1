"""Writes of the bench process, one module per area; import them from ``refurb.services``."""

from refurb.services.bench import repair_close, repair_open, test_record_result  # noqa: F401
from refurb.services.drives import (  # noqa: F401
    drive_add,
    drive_record_check,
    drive_record_destruction,
    drive_record_erasure,
    drives_add,
)
from refurb.services.intake import device_confirm_no_storage, device_register  # noqa: F401
from refurb.services.lifecycle import device_transition  # noqa: F401
from refurb.services.verification import (  # noqa: F401
    verification_draw,
    verification_record,
    verification_sampling_report,
    verification_share,
)
