"""Merge what the sources say about the machine itself: identity, CPU, RAM, battery, screen.

Each fact is taken from the first source that knows it (placeholder values were already
dropped by the parsers):

* system manufacturer / model / serial / UUID / chassis: dmidecode > lshw > Workbench
  ``device`` (dmidecode reads SMBIOS directly; lshw copies it, sometimes mangled);
* CPU: dmidecode populated sockets (grouped by model) > lshw > Workbench components;
* RAM: dmidecode sum of installed modules > lshw (banks, else System Memory node) >
  Workbench RamModule sizes;
* battery: sysfs uevent > upower > dmidecode type 22 > lshw (the last two only know the
  design capacity, so they give no health); only battery evidence counts: lshw ``power``
  nodes that are power supplies or placeholders, and BIOS placeholder batteries, are none;
* GPUs: lshw > Workbench GraphicCard components;
* screen size: Workbench Display component only (no other source reports it).
"""

from __future__ import annotations

from collections.abc import Iterable

from .._util import category_hint
from ..models import ParsedBattery, ParsedCpu, ParsedIdentity
from .sources import Sources


def _first(*values):
    for v in values:
        if v is not None:
            return v
    return None


def merge_identity(src: Sources) -> ParsedIdentity:
    """Return the system's identity: dmidecode first, then lshw, then Workbench."""
    dmi, lshw = src.dmi, src.lshw
    dev = src.ereuse.device if src.ereuse else None
    chassis = _first(
        dmi.chassis_type if dmi else None,
        lshw.chassis if lshw else None,
        dev.chassis if dev else None,
    )
    hint = _first(
        dmi.category_hint if dmi else None,
        lshw.category_hint if lshw else None,
        category_hint(dev.type) if dev else None,
        category_hint(dev.chassis) if dev else None,
    )
    return ParsedIdentity(
        manufacturer=_first(
            dmi.manufacturer if dmi else None,
            lshw.manufacturer if lshw else None,
            dev.manufacturer if dev else None,
        ),
        model=_first(
            dmi.model if dmi else None, lshw.model if lshw else None, dev.model if dev else None
        ),
        serial=_first(
            dmi.serial if dmi else None, lshw.serial if lshw else None, dev.serial if dev else None
        ),
        uuid=_first(dmi.uuid if dmi else None, lshw.uuid if lshw else None),
        chassis=chassis,
        category_hint=hint,
        sku=_first(dmi.sku if dmi else None, lshw.sku if lshw else None, dev.sku if dev else None),
    )


def _group_cpus(items: Iterable[tuple[str | None, str | None, int | None, int | None]]):
    groups: dict[str | None, ParsedCpu] = {}
    for model, vendor, cores, threads in items:
        if model in groups:
            g = groups[model]
            groups[model] = ParsedCpu(g.model, g.vendor, g.cores, g.threads, g.sockets + 1)
        else:
            groups[model] = ParsedCpu(model, vendor, cores, threads, 1)
    return tuple(groups.values())


def merge_cpus(src: Sources) -> tuple[ParsedCpu, ...]:
    """Return the CPUs, one per model with its socket count, from the best source."""
    if src.dmi:
        procs = [p for p in src.dmi.processors if p.populated and p.version]
        if procs:
            return _group_cpus(
                (p.version, p.manufacturer, p.core_count, p.thread_count) for p in procs
            )
    if src.lshw and src.lshw.cpus:
        return _group_cpus((c.model, c.vendor, c.cores, c.threads) for c in src.lshw.cpus)
    if src.ereuse:
        comps = [c for c in src.ereuse.components if c.type == "Processor"]
        return _group_cpus((c.model, c.manufacturer, c.cores, c.threads) for c in comps)
    return ()


def merge_ram(src: Sources) -> int | None:
    """Return the installed RAM in bytes from the best source, else None."""
    if src.dmi and src.dmi.ram_bytes:
        return src.dmi.ram_bytes
    if src.lshw and src.lshw.ram_bytes:
        return src.lshw.ram_bytes
    if src.ereuse:
        total = sum(c.size or 0 for c in src.ereuse.components if c.type == "RamModule")
        return int(total * 1024 * 1024) or None
    return None


def merge_battery(src: Sources) -> ParsedBattery | None:
    """Return the first battery of the best source, else None."""
    if src.batteries:
        return src.batteries[0]
    dmi_batteries = [
        b for b in (src.dmi.batteries if src.dmi else ()) if b.manufacturer or b.name or b.serial
    ]  # a BIOS placeholder battery ("-Virtual Battery 0-", serial "Battery 0") is no battery
    if dmi_batteries:
        b = dmi_batteries[0]
        return ParsedBattery(
            manufacturer=b.manufacturer,
            model=b.name,
            serial=b.serial,
            technology=b.chemistry,
            unit="uWh" if b.design_capacity_mwh else None,
            design_capacity=b.design_capacity_mwh * 1000 if b.design_capacity_mwh else None,
            source="dmidecode",
        )
    if src.lshw and src.lshw.battery:
        b = src.lshw.battery
        return ParsedBattery(
            manufacturer=b.vendor,
            model=b.model,
            serial=b.serial,
            unit="uWh" if b.design_capacity_mwh else None,
            design_capacity=b.design_capacity_mwh * 1000 if b.design_capacity_mwh else None,
            source="lshw",
        )
    return None


def merge_gpus(src: Sources) -> tuple[str, ...]:
    """Return the graphics cards' names: lshw's, else the Workbench components'."""
    gpus: tuple[str, ...] = src.lshw.gpus if src.lshw else ()
    if src.ereuse and not gpus:
        gpus = tuple(c.model for c in src.ereuse.components if c.type == "GraphicCard" and c.model)
    return gpus


def merge_screen(src: Sources) -> float | None:
    """Return the screen diagonal in inches (Workbench Display component only), else None."""
    if not src.ereuse:
        return None
    sizes = [c.size for c in src.ereuse.components if c.type == "Display" and c.size]
    return round(sizes[0], 1) if sizes else None
