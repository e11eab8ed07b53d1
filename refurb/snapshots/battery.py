"""Parsers for laptop battery reports.

* ``/sys/class/power_supply/BAT*/uevent`` (``POWER_SUPPLY_KEY=value`` lines). Units are
  the kernel's: ``ENERGY_*`` in µWh, ``CHARGE_*`` in µAh. Health is computed within one
  unit family: ``ENERGY_FULL / ENERGY_FULL_DESIGN`` or ``CHARGE_FULL /
  CHARGE_FULL_DESIGN``. ``POWER_SUPPLY_CAPACITY`` is the *charge level*, not health.
* ``upower -i`` / ``upower -d`` text: only devices with a ``battery`` section are kept;
  energies in Wh are converted to µWh so both sources share one unit.

``health_percent`` = full / design * 100, rounded to one decimal. A cycle count of 0 is
reported as None: most firmwares that do not count cycles report 0.
"""

from __future__ import annotations

import re
from typing import Any

from ._util import clean_name, clean_serial, clean_str, to_int
from .errors import MalformedReport
from .models import ParsedBattery


def _text(text: Any, what: str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise MalformedReport(f"The {what} report must be text.", code=f"{what}_not_text")
    return text


def _health(full: int | None, design: int | None) -> float | None:
    if not full or not design or design <= 0:
        return None
    return round(full * 100.0 / design, 1)


def parse_battery_uevent(text: Any) -> ParsedBattery | None:
    """Parse one sysfs battery ``uevent`` file; None if it does not describe a battery."""
    text = _text(text, "battery_uevent")
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key.startswith("POWER_SUPPLY_"):
            values[key[len("POWER_SUPPLY_") :]] = value.strip()
    if not values:
        return None
    if values.get("TYPE", "Battery") != "Battery" or values.get("PRESENT") == "0":
        return None
    if "ENERGY_FULL_DESIGN" in values or "ENERGY_FULL" in values:
        unit, design, full = "uWh", values.get("ENERGY_FULL_DESIGN"), values.get("ENERGY_FULL")
    elif "CHARGE_FULL_DESIGN" in values or "CHARGE_FULL" in values:
        unit, design, full = "uAh", values.get("CHARGE_FULL_DESIGN"), values.get("CHARGE_FULL")
    else:
        unit = design = full = None
    design_i, full_i = to_int(design), to_int(full)
    cycles = to_int(values.get("CYCLE_COUNT"))
    return ParsedBattery(
        manufacturer=clean_name(values.get("MANUFACTURER")),
        model=clean_name(values.get("MODEL_NAME")),
        serial=clean_serial(values.get("SERIAL_NUMBER")),
        technology=clean_str(values.get("TECHNOLOGY")),
        unit=unit,
        design_capacity=design_i,
        full_capacity=full_i,
        cycle_count=cycles or None,
        health_percent=_health(full_i, design_i),
        source="sysfs",
    )


_WH_RE = re.compile(r"^([\d.,]+)\s*Wh$")


def _wh_to_uwh(value: str | None) -> int | None:
    m = _WH_RE.match((value or "").strip())
    if not m:
        return None
    try:
        return round(float(m.group(1).replace(",", ".")) * 1_000_000)
    except ValueError:
        return None


def parse_upower(text: Any) -> tuple[ParsedBattery, ...]:
    """Parse ``upower -i DEVICE`` or ``upower -d`` output; returns the batteries found."""
    text = _text(text, "upower")
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.startswith("Device:") or line.startswith("Daemon:"):
            blocks.append([])
        blocks[-1].append(line)
    batteries = []
    for block in blocks:
        if not any(ln.strip() == "battery" for ln in block):
            continue
        values: dict[str, str] = {}
        for ln in block:
            key, sep, value = ln.strip().partition(":")
            if sep and key not in values:
                values[key.strip()] = value.strip()
        if values.get("present", "yes") != "yes":
            continue
        design = _wh_to_uwh(values.get("energy-full-design"))
        full = _wh_to_uwh(values.get("energy-full"))
        batteries.append(
            ParsedBattery(
                manufacturer=clean_name(values.get("vendor")),
                model=clean_name(values.get("model")),
                serial=clean_serial(values.get("serial")),
                technology=clean_str(values.get("technology")),
                unit="uWh" if design or full else None,
                design_capacity=design,
                full_capacity=full,
                cycle_count=to_int(values.get("charge-cycles")) or None,
                health_percent=_health(full, design),
                source="upower",
            )
        )
    return tuple(batteries)
