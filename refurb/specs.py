"""How a device's specs read in plain French: one place for the shop label and the catalogue.

Spec keys read from ``Device.specs`` (agreed with the snapshot parsers and the shop):
``cpu_model`` (str), ``cpu_generation`` (number), ``ram_gb`` (number), ``storage_gb``
(number), ``storage_kind`` (``hdd``/``ssd``/``nvme``/``emmc``), ``screen_inches`` (number) and
``battery_health_pct`` (integer, laptops). A missing key leaves its line off.
"""

from __future__ import annotations

from typing import Any

STORAGE_NAMES = {"hdd": "HDD", "ssd": "SSD", "nvme": "SSD NVMe", "emmc": "eMMC"}


def spec_number(value: Any) -> float | int | None:
    """A spec value as a number (an int when whole), or None when missing or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() else number


def format_capacity(gigabytes: float | int | None) -> str:
    """Capacity as printed on a label: "256 Go", "1 To", "1,5 To"."""
    if not gigabytes:
        return ""
    if gigabytes >= 1000:
        tera = round(gigabytes / 1000, 1)
        text = f"{tera:g}".replace(".", ",")
        return f"{text}\u00a0To"
    return f"{round(gigabytes):d}\u00a0Go"


def storage_kind_name(kind: Any) -> str:
    return STORAGE_NAMES.get(str(kind or "").lower(), "")


def storage_text(specs: dict, drives=()) -> str:
    """ "SSD 256 Go": the kind and size from the specs, else from the first drive kept."""
    specs = specs if isinstance(specs, dict) else {}
    kind = storage_kind_name(specs.get("storage_kind"))
    size = format_capacity(spec_number(specs.get("storage_gb")))
    if not size:
        kept = [d for d in drives if d.status != "destroyed"]
        if kept:
            drive = kept[0]
            kind = kind or STORAGE_NAMES.get(drive.kind, "")
            size = format_capacity(drive.capacity_bytes / 10**9 if drive.capacity_bytes else None)
    return " ".join(part for part in (kind, size) if part)


def screen_text(inches: Any) -> str:
    """ "15,6 pouces"."""
    number = spec_number(inches)
    return f"{str(number).replace('.', ',')}\u00a0pouces" if number else ""
