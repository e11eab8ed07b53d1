"""Derive a device's ``specs`` and a snapshot's summary from a parsed report.

The ``specs`` keys written on the device are documented in ``specs_from_snapshot``; other parts
of the system (labels, the shop) read them. The summary is what the ``Snapshot`` row keeps of
what was read, beside the raw report.
"""

from __future__ import annotations

import re

from refurb.ingest.drives import KIND_MAP
from refurb.models import Drive
from refurb.snapshots import ParsedSnapshot

_INTEL_GEN = re.compile(r"\bi[3579][- ](\d{3,5})([a-z]*\d?)", re.IGNORECASE)
# First-generation Core i (2008-2011) printed "i5 CPU M 560", "i7 CPU Q 720", "i7 CPU 920":
# the model number has three digits and comes after "CPU" and an optional letter.
_INTEL_OLD = re.compile(r"\bi[3579](?:\(TM\))?\s+(?:CPU\s+)?(?:[A-Z]{1,2}\s+)?(\d{3})\b", re.I)
_AMD_GEN = re.compile(
    r"\bryzen\s+(?:threadripper\s+)?(?:pro\s+)?(?:\d\s+)?(?:pro\s+)?(\d{4})", re.I
)


def cpu_generation(model: str | None) -> int | None:
    """Return the generation of an Intel Core iN-NNNN or AMD Ryzen model, else None.

    Intel: i5-520M and the old naming "i5 CPU M 560" are 1st, i5-4210U 4th, i7-1165G7 11th,
    i7-10510U 10th, i9-12900K 12th, i5-13400 13th. AMD Ryzen: the first digit of the
    four-digit model (Ryzen 5 3500U is 3rd, Ryzen 7 PRO 7840U 7th). Core Ultra and Ryzen AI
    names carry no generation number: None.
    """
    if not model:
        return None
    model = " ".join(model.split())
    m = _INTEL_GEN.search(model)
    if m is None:
        old = _INTEL_OLD.search(model)
        if old:
            return 1
    if m:
        digits = m.group(1)
        if len(digits) == 3:
            return 1
        if len(digits) == 5:
            return int(digits[:2])
        if digits.startswith("1"):
            return int(digits[:2])  # i5-1035G1 10th ... i5-1335U 13th (no 4-digit 1st gen)
        return int(digits[0])
    m = _AMD_GEN.search(model)
    if m:
        return int(m.group(1)[0])
    return None


def _number(value: float, places: int = 1):
    value = round(value, places)
    return int(value) if value == int(value) else value


def specs_from_snapshot(parsed: ParsedSnapshot) -> dict:
    """Return the device ``specs`` a snapshot tells, with the documented keys only.

    ``cpu_model``, ``cpu_cores``, ``cpu_threads`` (of one CPU), ``cpu_generation`` (int, only
    when derivable), ``ram_gb`` (GiB), ``storage_gb`` (decimal GB, sum of all drives),
    ``storage_kind`` (``Drive.Kind`` value of the largest drive), ``gpus`` (list of names),
    ``screen_inches``, ``battery_health_pct``, ``battery_design_wh``, ``battery_full_wh``.
    Keys the report says nothing about are absent.
    """
    specs: dict = {}
    cpu = parsed.cpu
    if cpu is not None:
        if cpu.model:
            specs["cpu_model"] = cpu.model
        if cpu.cores:
            specs["cpu_cores"] = cpu.cores
        if cpu.threads:
            specs["cpu_threads"] = cpu.threads
        generation = cpu_generation(cpu.model)
        if generation is not None:
            specs["cpu_generation"] = generation
    if parsed.ram_bytes:
        specs["ram_gb"] = _number(parsed.ram_bytes / 2**30)
    sized = [d for d in parsed.drives if d.capacity_bytes]
    if sized:
        specs["storage_gb"] = round(sum(d.capacity_bytes for d in sized) / 1e9)
        largest = max(sized, key=lambda d: d.capacity_bytes)
        specs["storage_kind"] = str(KIND_MAP.get(largest.kind, Drive.Kind.OTHER))
    if parsed.gpus:
        specs["gpus"] = list(parsed.gpus)
    if parsed.screen_inches:
        specs["screen_inches"] = parsed.screen_inches
    battery = parsed.battery
    if battery is not None:
        if battery.health_percent is not None:
            specs["battery_health_pct"] = battery.health_percent
        if battery.unit == "uWh":
            if battery.design_capacity:
                specs["battery_design_wh"] = _number(battery.design_capacity / 1e6)
            if battery.full_capacity:
                specs["battery_full_wh"] = _number(battery.full_capacity / 1e6)
    return specs


def summary_from_snapshot(parsed: ParsedSnapshot) -> dict:
    """Return a JSON summary of what was read (kept on the ``Snapshot`` row)."""
    ident = parsed.identity
    return {
        "identity": {
            "manufacturer": ident.manufacturer,
            "model": ident.model,
            "serial": ident.serial,
            "uuid": ident.uuid,
            "chassis": ident.chassis,
            "category_hint": ident.category_hint,
        },
        "specs": specs_from_snapshot(parsed),
        "drives": [
            {
                "serial": d.serial,
                "model": d.model,
                "kind": d.kind,
                "capacity_bytes": d.capacity_bytes,
                "failing": d.failing,
                "failing_reasons": list(d.failing_reasons),
            }
            for d in parsed.drives
        ],
        "erasures": [
            {"serial": e.drive_serial, "tool": e.tool, "result": e.result, "verified": e.verified}
            for e in parsed.erasures
        ],
        "mac_addresses": list(parsed.mac_addresses),
        "asset_tag": parsed.asset_tag,
    }
