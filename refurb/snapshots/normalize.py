"""One entry point: :func:`parse_snapshot` turns any accepted payload into a ParsedSnapshot.

Accepted payloads: the Atelier bench agent's JSON (``"format": "atelier-agent"``) and
the eReuse Workbench generations listed in :mod:`.ereuse`. Anything else raises
:class:`UnknownReportFormat`.

Atelier agent format (version 1)::

    {"format": "atelier-agent", "version": 1, "asset_tag": str|None,
     "collected_at": ISO 8601, "host": {"hostname": ..., "utc_offset": "+01:00", ...},
     "reports": {"lshw": <lshw JSON>, "dmidecode": "<text>", "smartctl": [<json>, ...],
                 "battery_uevent": ["<text>", ...], "nwipe_log": "<text>" | null,
                 "upower": "<text>" (optional), "erasures": [<record>, ...] (optional,
                 see :mod:`.erasure`)},
     "errors": [{"command": ..., "exit_code": ..., "stderr": ...}]}

Precedence when sources disagree (first non-empty value wins; placeholder serials such
as "To Be Filled By O.E.M.", "System Serial Number", "Default string", "0123456789",
all zeros are dropped by every parser before merging):

* system manufacturer / model / serial / UUID / chassis: dmidecode > lshw > Workbench
  ``device`` (dmidecode reads SMBIOS directly; lshw copies it, sometimes mangled);
* CPU: dmidecode populated sockets (grouped by model) > lshw > Workbench components;
* RAM: dmidecode sum of installed modules > lshw (banks, else System Memory node) >
  Workbench RamModule sizes;
* drives: smartctl > lshw > Workbench components, matched by serial then device name;
  smartctl wins for serial, model, kind, capacity and health. lshw disks on a USB bus
  are left out (the live USB stick, card readers) with a warning; smartctl drives are
  always kept (a USB enclosure may hold the drive under test);
* battery: sysfs uevent > upower > dmidecode type 22 > lshw (the last two only know the
  design capacity, so they give no health);
* screen size: Workbench Display component only (no other source reports it).

Time zones: nwipe logs have no offset; they are read in the agent's
``host.utc_offset`` when given, else UTC (with a warning).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, timedelta, timezone, tzinfo
from typing import Any

from ._util import as_dict, as_list, category_hint, clean_str, parse_datetime
from .battery import parse_battery_uevent, parse_upower
from .dmidecode import DmidecodeReport, parse_dmidecode
from .erasure import parse_erasure_record
from .ereuse import ACCEPTED, EreuseSnapshot, detect_generation, parse_ereuse
from .errors import ReportError, UnknownReportFormat
from .lshw import LshwReport, parse_lshw
from .models import (
    ParsedBattery,
    ParsedCpu,
    ParsedDrive,
    ParsedErasure,
    ParsedIdentity,
    ParsedSnapshot,
)
from .nwipe import NwipeLog, parse_nwipe_log
from .smartctl import SmartctlNotADisk, SmartctlReport, parse_smartctl

AGENT_FORMAT = "atelier-agent"

__all__ = [
    "ParsedBattery",
    "ParsedCpu",
    "ParsedDrive",
    "ParsedErasure",
    "ParsedIdentity",
    "ParsedSnapshot",
    "parse_snapshot",
]


def _first(*values):
    for v in values:
        if v is not None:
            return v
    return None


def _key(serial: str | None) -> str | None:
    return re.sub(r"[\s_-]", "", serial).casefold() if serial else None


def _tz(offset: Any) -> tzinfo | None:
    m = re.match(r"^([+-])(\d{2}):?(\d{2})$", clean_str(offset) or "")
    if not m:
        return None
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
    return timezone(-delta if m.group(1) == "-" else delta)


class _Sources:
    """Parsed raw sources of one snapshot, before merging."""

    def __init__(self) -> None:
        self.lshw: LshwReport | None = None
        self.dmi: DmidecodeReport | None = None
        self.smart: list[SmartctlReport | SmartctlNotADisk] = []
        self.batteries: list[ParsedBattery] = []
        self.nwipe: NwipeLog | None = None
        self.erasures: list[ParsedErasure] = []
        self.ereuse: EreuseSnapshot | None = None
        self.warnings: list[str] = []


def _agent_sources(payload: dict) -> tuple[_Sources, tzinfo]:
    src = _Sources()
    reports = as_dict(payload.get("reports"))
    host = as_dict(payload.get("host"))
    tz = _tz(host.get("utc_offset"))
    if tz is None:
        tz = UTC
        if reports.get("nwipe_log"):
            src.warnings.append("host.utc_offset missing: nwipe times read as UTC")

    def attempt(label: str, func, *args):
        try:
            return func(*args)
        except ReportError as exc:
            src.warnings.append(f"{label}: {exc.message}")
            return None

    if reports.get("lshw") not in (None, "", {}, []):
        src.lshw = attempt("lshw", parse_lshw, reports["lshw"])
    if isinstance(reports.get("dmidecode"), str):
        src.dmi = attempt("dmidecode", parse_dmidecode, reports["dmidecode"])
    for item in as_list(reports.get("smartctl")):
        parsed = attempt("smartctl", parse_smartctl, item)
        if parsed is not None:
            src.smart.append(parsed)
    for text in as_list(reports.get("battery_uevent")):
        bat = attempt("battery", parse_battery_uevent, text)
        if bat is not None:
            src.batteries.append(bat)
    if isinstance(reports.get("upower"), str):
        src.batteries.extend(attempt("upower", parse_upower, reports["upower"]) or ())
    if reports.get("nwipe_log"):
        src.nwipe = attempt("nwipe log", parse_nwipe_log, reports["nwipe_log"], tz)
    for record in as_list(reports.get("erasures")):
        parsed = attempt("erasure record", parse_erasure_record, record, tz)
        if parsed is not None:
            src.erasures.append(parsed)
    for err in as_list(payload.get("errors")):
        err = as_dict(err)
        command = clean_str(err.get("command")) or "?"
        detail = clean_str(err.get("stderr")) or ""
        src.warnings.append(
            f"agent: '{command}' failed (exit {err.get('exit_code')}) {detail[:200]}".strip()
        )
    return src, tz


def _ereuse_sources(payload: dict) -> _Sources:
    snap = parse_ereuse(payload)
    src = _Sources()
    src.ereuse = snap
    src.lshw = snap.lshw
    src.dmi = snap.dmidecode
    src.smart = list(snap.smartctl)
    src.erasures = list(snap.erasures)
    src.warnings.extend(snap.warnings)
    return src


def _identity(src: _Sources) -> ParsedIdentity:
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


def _cpus(src: _Sources) -> tuple[ParsedCpu, ...]:
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


def _ram(src: _Sources) -> int | None:
    if src.dmi and src.dmi.ram_bytes:
        return src.dmi.ram_bytes
    if src.lshw and src.lshw.ram_bytes:
        return src.lshw.ram_bytes
    if src.ereuse:
        total = sum(c.size or 0 for c in src.ereuse.components if c.type == "RamModule")
        return int(total * 1024 * 1024) or None
    return None


def _battery(src: _Sources) -> ParsedBattery | None:
    if src.batteries:
        return src.batteries[0]
    if src.dmi and src.dmi.batteries:
        b = src.dmi.batteries[0]
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


_WB_DRIVE_KINDS = {"HardDrive": "HDD", "SolidStateDrive": "SSD", "DataStorage": "other"}


_FILLABLE = (
    "serial",
    "model",
    "capacity_bytes",
    "power_on_hours",
    "reallocated",
    "pending",
    "media_errors",
    "smart_passed",
    "device",
)


def _fill(strong: ParsedDrive, weak: ParsedDrive) -> ParsedDrive:
    """``strong`` with its missing fields taken from ``weak`` (same physical drive)."""
    changes = {
        name: getattr(weak, name)
        for name in _FILLABLE
        if getattr(strong, name) is None and getattr(weak, name) is not None
    }
    if strong.kind == "other" and weak.kind != "other":
        changes["kind"] = weak.kind
    if weak.failing:
        changes["failing"] = True
        changes["failing_reasons"] = tuple(
            dict.fromkeys(strong.failing_reasons + weak.failing_reasons)
        )
    if changes:
        changes["source"] = f"{strong.source}+{weak.source}"
    return replace(strong, **changes)


def _drives(src: _Sources) -> list[ParsedDrive]:
    drives: list[ParsedDrive] = []
    by_serial: dict[str, int] = {}
    by_device: dict[str, int] = {}

    def add(drive: ParsedDrive) -> None:
        k = _key(drive.serial)
        index = by_serial.get(k) if k else None
        if index is None and drive.device and drive.device in by_device:
            other = drives[by_device[drive.device]]
            if other.serial is None or drive.serial is None:
                index = by_device[drive.device]
            else:
                src.warnings.append(
                    f"{drive.device} reported with two serials ({other.serial} by "
                    f"{other.source}, {drive.serial} by {drive.source}): kept both"
                )
        if index is not None:
            # Already known from a stronger source: only fill its gaps.
            drives[index] = _fill(drives[index], drive)
            return
        if k:
            by_serial[k] = len(drives)
        if drive.device and drive.device not in by_device:
            by_device[drive.device] = len(drives)
        drives.append(drive)

    for rep in src.smart:
        if isinstance(rep, SmartctlNotADisk):
            src.warnings.append(f"smartctl gave no disk data: {rep.summary}")
            continue
        add(
            ParsedDrive(
                serial=rep.serial,
                model=rep.model,
                kind=rep.kind,
                capacity_bytes=rep.capacity_bytes,
                power_on_hours=rep.power_on_hours,
                reallocated=rep.reallocated_sectors,
                pending=rep.pending_sectors,
                media_errors=rep.media_errors,
                smart_passed=rep.smart_passed,
                failing=rep.failing,
                source="smartctl",
                device=rep.device_name,
                failing_reasons=rep.failing_reasons,
            )
        )
    if src.lshw:
        for disk in src.lshw.disks:
            if disk.usb:
                k = _key(disk.serial)
                if not (k and k in by_serial):
                    src.warnings.append(
                        f"USB disk {disk.logical_name} ({disk.model or 'unknown model'}) "
                        "ignored: probably the boot stick or a card reader"
                    )
                continue
            add(
                ParsedDrive(
                    serial=disk.serial,
                    model=disk.model,
                    kind=disk.kind,
                    capacity_bytes=disk.size_bytes,
                    source="lshw",
                    device=disk.logical_name,
                )
            )
    if src.ereuse:
        for comp in src.ereuse.components:
            if comp.type not in _WB_DRIVE_KINDS:
                continue
            test = comp.storage_test
            reasons = []
            if test and test.assessment is False:
                reasons.append("smart_overall_failed")
            for name, value in (
                ("reallocated_sectors", test.reallocated if test else None),
                ("pending_sectors", test.pending if test else None),
                ("offline_uncorrectable", test.offline_uncorrectable if test else None),
            ):
                if value:
                    reasons.append(name)
            add(
                ParsedDrive(
                    serial=comp.serial,
                    model=comp.model,
                    kind=_WB_DRIVE_KINDS[comp.type],
                    capacity_bytes=round(comp.size * 1_000_000) if comp.size else None,
                    power_on_hours=test.lifetime_hours if test else None,
                    reallocated=test.reallocated if test else None,
                    pending=test.pending if test else None,
                    smart_passed=test.assessment if test else None,
                    failing=bool(reasons),
                    source="workbench",
                    failing_reasons=tuple(reasons),
                )
            )
    return drives


def _nwipe_erasures(log: NwipeLog, drives: list[ParsedDrive], warnings: list[str]):
    by_device = {d.device: d for d in drives if d.device}
    out = []
    if not log.disks:
        detail = "; ".join(log.messages) or "no device was wiped"
        warnings.append(f"nwipe did not erase any disk: {detail}")
    for disk in log.disks:
        drive = by_device.get(disk.device)
        serial = disk.serial or (drive.serial if drive else None)
        if serial is None:
            warnings.append(f"nwipe result for {disk.device} cannot be tied to a drive serial")
        out.append(
            ParsedErasure(
                drive_serial=serial,
                tool="nwipe",
                method=log.method,
                nist_category=log.nist_category if disk.result == "erased" else None,
                passes=(log.passes * log.rounds) if log.passes and log.rounds else log.passes,
                verified=disk.verified,
                result=disk.result,
                started=disk.started_at,
                finished=disk.finished_at,
                raw_excerpt=(
                    f"nwipe {log.version or '?'} {disk.device} status={disk.status} "
                    f"errors={disk.errors} verify={log.verify} blank={log.blanking}"
                ),
                device=disk.device,
                drive_model=disk.model or (drive.model if drive else None),
            )
        )
    return out


def _build(fmt: str, src: _Sources, payload: dict, tz: tzinfo = UTC) -> ParsedSnapshot:
    drives = _drives(src)
    erasures = list(src.erasures)
    if src.nwipe:
        erasures.extend(_nwipe_erasures(src.nwipe, drives, src.warnings))
    identity = _identity(src)
    if identity.serial is None:
        src.warnings.append("no usable system serial number (missing or placeholder)")
    gpus: tuple[str, ...] = src.lshw.gpus if src.lshw else ()
    screen = None
    if src.ereuse:
        if not gpus:
            gpus = tuple(
                c.model for c in src.ereuse.components if c.type == "GraphicCard" and c.model
            )
        sizes = [c.size for c in src.ereuse.components if c.type == "Display" and c.size]
        screen = round(sizes[0], 1) if sizes else None
    macs = tuple(n.mac for n in src.lshw.networks) if src.lshw else ()
    collected = parse_datetime(payload.get("collected_at"), tz)
    if collected is None and src.ereuse:
        collected = src.ereuse.timestamp
    return ParsedSnapshot(
        source_format=fmt,
        identity=identity,
        cpus=_cpus(src),
        ram_bytes=_ram(src),
        gpus=gpus,
        screen_inches=screen,
        battery=_battery(src),
        drives=tuple(drives),
        erasures=tuple(erasures),
        mac_addresses=macs,
        asset_tag=clean_str(payload.get("asset_tag")),
        collected_at=collected,
        warnings=tuple(dict.fromkeys(src.warnings)),
    )


def parse_snapshot(payload: dict) -> ParsedSnapshot:
    """Parse an Atelier agent or eReuse Workbench payload into one :class:`ParsedSnapshot`.

    Raises :class:`UnknownReportFormat` for anything else, :class:`ReportError` subclasses
    for broken payloads; problems inside single sources become ``warnings``.
    """
    if not isinstance(payload, dict):
        raise UnknownReportFormat(
            f"A snapshot must be a JSON object. Accepted formats: the Atelier agent's JSON "
            f"({AGENT_FORMAT!r}), {ACCEPTED}.",
        )
    if payload.get("format") == AGENT_FORMAT:
        version = payload.get("version")
        if version != 1:
            raise UnknownReportFormat(
                f"Atelier agent format version {version!r} is not supported (expected 1). "
                "Update the server or use the matching agent.",
                code="unsupported_agent_version",
            )
        src, tz = _agent_sources(payload)
        return _build(AGENT_FORMAT, src, payload, tz)
    generation = detect_generation(payload)
    if generation is None:
        raise UnknownReportFormat(
            f"This snapshot format is not recognised. Accepted formats: the Atelier agent's "
            f"JSON ({AGENT_FORMAT!r}), {ACCEPTED}.",
        )
    return _build(generation, _ereuse_sources(payload), payload)
