"""Pure-Python parsers for hardware reports and erasure evidence (no Django import).

Public entry point: :func:`parse_snapshot`. Per-tool parsers live in their own modules
(``lshw``, ``smartctl``, ``dmidecode``, ``nwipe``, ``battery``, ``ereuse``, ``erasure``).
"""

from .errors import MalformedReport, ReportError, UnknownReportFormat
from .models import (
    ParsedBattery,
    ParsedCpu,
    ParsedDrive,
    ParsedErasure,
    ParsedIdentity,
    ParsedSnapshot,
)
from .normalize import parse_snapshot

__all__ = [
    "MalformedReport",
    "ParsedBattery",
    "ParsedCpu",
    "ParsedDrive",
    "ParsedErasure",
    "ParsedIdentity",
    "ParsedSnapshot",
    "ReportError",
    "UnknownReportFormat",
    "parse_snapshot",
]
