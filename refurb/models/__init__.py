"""Refurb models, one module per area; import them from ``refurb.models``."""

from refurb.models.audit import AppendOnly, ReferenceChange, WriteOff  # noqa: F401
from refurb.models.bench import (  # noqa: F401
    BenchRecord,
    ChecklistItem,
    Destruction,
    Drive,
    Erasure,
    Grade,
    NistMethod,
    TestResult,
    VerificationSample,
)
from refurb.models.device import Category, Device  # noqa: F401
from refurb.models.evidence import Certificate, ReportImport, Snapshot  # noqa: F401
from refurb.models.log import (  # noqa: F401
    ChainAnchor,
    ChainHeadSignature,
    DeviceEvent,
    DeviceEventQuerySet,
    EventImmutable,
    StayRollup,
)
from refurb.models.photos import MAX_PHOTOS, DevicePhoto  # noqa: F401
from refurb.models.repair import Repair, RepairWork  # noqa: F401
from refurb.models.software import (  # noqa: F401
    LicenceKey,
    SystemImage,
    SystemInstallation,
)
