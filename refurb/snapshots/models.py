"""Typed results shared by all parsers (plain dataclasses, no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

DRIVE_KINDS = ("HDD", "SSD", "NVMe", "eMMC", "other")
ERASURE_RESULTS = ("erased", "failed", "aborted", "not_run")
NIST_CATEGORIES = ("clear", "purge", "destroy")


@dataclass(frozen=True)
class ParsedIdentity:
    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    uuid: str | None = None
    chassis: str | None = None  # raw chassis name as reported
    category_hint: str | None = None  # laptop/desktop/server/all-in-one/tablet or None
    sku: str | None = None


@dataclass(frozen=True)
class ParsedCpu:
    model: str | None = None
    vendor: str | None = None
    cores: int | None = None
    threads: int | None = None
    sockets: int = 1


@dataclass(frozen=True)
class ParsedBattery:
    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    technology: str | None = None
    unit: str | None = None  # "uWh" or "uAh" (sysfs units) for the two capacities
    design_capacity: int | None = None
    full_capacity: int | None = None
    cycle_count: int | None = None
    health_percent: float | None = None  # full / design * 100, one decimal
    source: str | None = None  # "sysfs", "upower", "dmidecode", "lshw"


@dataclass(frozen=True)
class ParsedDrive:
    serial: str | None
    model: str | None
    kind: str  # one of DRIVE_KINDS
    capacity_bytes: int | None = None
    power_on_hours: int | None = None
    reallocated: int | None = None
    pending: int | None = None
    media_errors: int | None = None
    smart_passed: bool | None = None
    failing: bool = False
    source: str = ""  # "smartctl", "lshw", "workbench"
    device: str | None = None  # /dev/sda ... when known
    failing_reasons: tuple[str, ...] = ()
    controller: str | None = None  # "megaraid" when the drive sits behind a RAID controller
    port: str | None = None  # "megaraid,0": with ``device``, the drive's place
    raid_volume: bool = False  # a RAID volume, not a physical disk: never erased as one
    reported_uncorrect: int | None = None
    kind_certain: bool = False  # kind read (rotation rate, NVMe, Workbench type), not guessed


@dataclass(frozen=True)
class ParsedErasure:
    drive_serial: str | None
    tool: str  # "nwipe", "hdparm", "nvme-format", "nvme-sanitize", "blkdiscard", "workbench"
    method: str | None
    nist_category: str | None  # "clear" / "purge" / "destroy" / None when not a sanitization
    passes: int | None
    verified: bool
    result: str  # one of ERASURE_RESULTS
    started: datetime | None = None
    finished: datetime | None = None
    raw_excerpt: str = ""
    device: str | None = None
    drive_model: str | None = None
    writes: bool | None = True  # False: a read-only method (a check, never an erasure)
    hidden_area: bool | None = None  # True: HPA/DCO hides sectors the run did not reach


@dataclass(frozen=True)
class ParsedSnapshot:
    source_format: str  # "atelier-agent", "workbench-script-0.0.1", ...
    identity: ParsedIdentity
    cpus: tuple[ParsedCpu, ...] = ()
    ram_bytes: int | None = None
    gpus: tuple[str, ...] = ()
    screen_inches: float | None = None
    battery: ParsedBattery | None = None
    drives: tuple[ParsedDrive, ...] = ()
    erasures: tuple[ParsedErasure, ...] = ()
    mac_addresses: tuple[str, ...] = ()
    asset_tag: str | None = None
    collected_at: datetime | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def cpu(self) -> ParsedCpu | None:
        return self.cpus[0] if self.cpus else None
