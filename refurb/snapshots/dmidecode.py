"""Parser for plain-text ``dmidecode`` output (versions 2.12 to 3.x).

The text is split into records at ``Handle 0x...., DMI type N, M bytes`` lines; each
record has a title line and tab-indented ``Key: Value`` lines (continuation lines with
two tabs are collected as a list under the previous key).

A machine without SMBIOS (containers, some VMs) prints only a header such as
``# dmidecode 3.4`` / ``Scanning /dev/mem for entry point.``: this yields an empty
report with ``has_smbios=False``, not an error.

Model rule: for LENOVO the ``Product Name`` is the machine type ("20HRCTO1WW",
"10B4A04DAC") and the marketing name is in ``Version`` ("ThinkPad X1 Carbon 5th",
"ThinkCentre M73"); ``model`` uses ``Version`` when it is not a placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._util import category_hint, clean_name, clean_serial, clean_str, to_int
from .errors import MalformedReport

_HANDLE_RE = re.compile(r"^Handle 0x[0-9A-Fa-f]+, DMI type (\d+), \d+ bytes")
_SIZE_RE = re.compile(r"^(\d+)\s*(bytes|kB|KB|MB|GB|TB)$", re.I)
_UNITS = {"bytes": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4}


@dataclass(frozen=True)
class DmiRecord:
    dmi_type: int
    title: str
    fields: dict[str, str]
    lists: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class DmiMemoryDevice:
    locator: str | None
    size_bytes: int | None  # None when the slot is empty
    type: str | None
    speed_mts: int | None
    manufacturer: str | None
    serial: str | None
    part_number: str | None
    form_factor: str | None


@dataclass(frozen=True)
class DmiProcessor:
    socket: str | None
    version: str | None
    manufacturer: str | None
    core_count: int | None
    thread_count: int | None
    populated: bool


@dataclass(frozen=True)
class DmiBattery:
    manufacturer: str | None
    name: str | None
    serial: str | None
    design_capacity_mwh: int | None
    chemistry: str | None


@dataclass(frozen=True)
class DmidecodeReport:
    has_smbios: bool
    dmidecode_version: str | None
    smbios_version: str | None
    manufacturer: str | None
    product_name: str | None
    model: str | None
    version: str | None
    serial: str | None
    uuid: str | None
    sku: str | None
    family: str | None
    chassis_type: str | None
    category_hint: str | None
    chassis_serial: str | None
    baseboard_manufacturer: str | None
    baseboard_product: str | None
    baseboard_serial: str | None
    bios_vendor: str | None
    bios_version: str | None
    bios_date: str | None
    memory_devices: tuple[DmiMemoryDevice, ...]
    processors: tuple[DmiProcessor, ...]
    batteries: tuple[DmiBattery, ...]
    records: tuple[DmiRecord, ...]

    @property
    def ram_bytes(self) -> int | None:
        total = sum(m.size_bytes or 0 for m in self.memory_devices)
        return total or None


def _records(text: str) -> list[DmiRecord]:
    records: list[DmiRecord] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _HANDLE_RE.match(lines[i])
        if not m:
            i += 1
            continue
        dmi_type = int(m.group(1))
        i += 1
        title = lines[i].strip() if i < len(lines) else ""
        i += 1
        fields: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        last_key = None
        while i < len(lines) and lines[i].strip() and not _HANDLE_RE.match(lines[i]):
            line = lines[i]
            if line.startswith("\t\t") and last_key:
                lists.setdefault(last_key, []).append(line.strip())
            elif line.startswith("\t"):
                key, sep, value = line.strip().partition(":")
                if sep:
                    last_key = key.strip()
                    fields[last_key] = value.strip()
            i += 1
        records.append(DmiRecord(dmi_type, title, fields, {k: tuple(v) for k, v in lists.items()}))
    return records


def _size(value: str | None) -> int | None:
    if not value:
        return None
    m = _SIZE_RE.match(value.strip())
    if not m:
        return None  # "No Module Installed", "Unknown", "Not Installed"
    return int(m.group(1)) * _UNITS[m.group(2).lower()]


def _first(records: list[DmiRecord], dmi_type: int) -> dict[str, str]:
    for r in records:
        if r.dmi_type == dmi_type:
            return r.fields
    return {}


def _leading(value: str | None) -> int | None:
    m = re.match(r"^\s*(\d+)", value or "")
    return int(m.group(1)) if m else None


def parse_dmidecode(text: Any) -> DmidecodeReport:
    """Parse ``dmidecode`` text output into a :class:`DmidecodeReport`."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise MalformedReport(
            "The dmidecode report must be the plain text printed by 'dmidecode'.",
            code="dmidecode_not_text",
        )
    records = _records(text)
    version_m = re.search(r"^# dmidecode ([\d.]+)", text, re.M)
    smbios_m = re.search(r"^SMBIOS ([\d.]+) present", text, re.M)
    system = _first(records, 1)
    board = _first(records, 2)
    chassis = _first(records, 3)
    bios = _first(records, 0)

    manufacturer = clean_name(system.get("Manufacturer"))
    product = clean_name(system.get("Product Name"))
    version = clean_name(system.get("Version"))
    model = product
    if manufacturer and manufacturer.upper() == "LENOVO" and version:
        model = version
    chassis_type = clean_str(chassis.get("Type"))

    memory = []
    for r in records:
        if r.dmi_type != 17:
            continue
        f = r.fields
        memory.append(
            DmiMemoryDevice(
                locator=clean_str(f.get("Locator")),
                size_bytes=_size(f.get("Size")),
                type=clean_name(f.get("Type")),
                speed_mts=_leading(f.get("Speed")),
                manufacturer=clean_name(f.get("Manufacturer")),
                serial=clean_serial(f.get("Serial Number")),
                part_number=clean_name(f.get("Part Number")),
                form_factor=clean_name(f.get("Form Factor")),
            )
        )
    processors = []
    for r in records:
        if r.dmi_type != 4:
            continue
        f = r.fields
        status = (f.get("Status") or "").lower()
        processors.append(
            DmiProcessor(
                socket=clean_str(f.get("Socket Designation")),
                version=clean_name(f.get("Version")),
                manufacturer=clean_name(f.get("Manufacturer")),
                core_count=to_int(f.get("Core Count")),
                thread_count=to_int(f.get("Thread Count")),
                populated="unpopulated" not in status,
            )
        )
    batteries = []
    for r in records:
        if r.dmi_type != 22:
            continue
        f = r.fields
        batteries.append(
            DmiBattery(
                manufacturer=clean_name(f.get("Manufacturer")),
                name=clean_name(f.get("Name")),
                serial=clean_serial(f.get("Serial Number") or f.get("SBDS Serial Number")),
                design_capacity_mwh=_leading(f.get("Design Capacity")),
                chemistry=clean_name(f.get("Chemistry") or f.get("SBDS Chemistry")),
            )
        )

    return DmidecodeReport(
        has_smbios=bool(records),
        dmidecode_version=version_m.group(1) if version_m else None,
        smbios_version=smbios_m.group(1) if smbios_m else None,
        manufacturer=manufacturer,
        product_name=product,
        model=model,
        version=version,
        serial=clean_serial(system.get("Serial Number")),
        uuid=clean_serial(system.get("UUID")),
        sku=clean_name(system.get("SKU Number")),
        family=clean_name(system.get("Family")),
        chassis_type=chassis_type,
        category_hint=category_hint(chassis_type),
        chassis_serial=clean_serial(chassis.get("Serial Number")),
        baseboard_manufacturer=clean_name(board.get("Manufacturer")),
        baseboard_product=clean_name(board.get("Product Name")),
        baseboard_serial=clean_serial(board.get("Serial Number")),
        bios_vendor=clean_name(bios.get("Vendor")),
        bios_version=clean_str(bios.get("Version")),
        bios_date=clean_str(bios.get("Release Date")),
        memory_devices=tuple(memory),
        processors=tuple(processors),
        batteries=tuple(batteries),
        records=tuple(records),
    )
