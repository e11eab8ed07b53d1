"""Writes of the bench process, one module per area; import them from ``refurb.services``."""

from refurb.services.bench import repair_close, repair_open, test_record_result  # noqa: F401
from refurb.services.drives import (  # noqa: F401
    drive_add,
    drive_record_check,
    drive_record_destruction,
    drive_record_erasure,
    drives_add,
)
from refurb.services.intake import (  # noqa: F401
    device_confirm_no_storage,
    device_refuse_no_storage,
    device_register,
    device_sign_off_no_storage,
    no_storage_declaration,
)
from refurb.services.lifecycle import (  # noqa: F401
    device_move_ask,
    device_transition,
    device_write_off,
)
from refurb.services.photos import device_photo_add, device_photo_remove  # noqa: F401
from refurb.services.repairs import (  # noqa: F401
    repair_diagnose,
    repair_lock,
    repair_mark_repaired,
    repair_recycle,
    repair_set_barrier,
    repair_work_add,
)
from refurb.services.software import (  # noqa: F401
    licence_keys_load,
    system_image_create,
    system_install,
)
from refurb.services.update import device_update, reference_change  # noqa: F401
from refurb.services.verification import (  # noqa: F401
    verification_draw,
    verification_record,
    verification_sampling_report,
    verification_share,
)
