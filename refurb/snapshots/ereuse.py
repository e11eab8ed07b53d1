"""Parser for eReuse.org Workbench snapshots, three generations.

============================  ================================================  =========
generation                    recognised by                                     raw data
============================  ================================================  =========
``workbench-script-0.0.1``    ``data.smartctl`` (JSON text of a list),          smartctl,
                              ``data.dmidecode``, ``data.inxi``, ``erase``      dmidecode
``workbench-script-legacy``   ``data.lshw`` and/or ``data.smart`` (version      lshw,
                              "dev"), ``data.dmidecode``, ``data.hwinfo``       smartctl,
                                                                                dmidecode
``workbench-11``              ``device`` object + ``components`` list           lshw in
                              (Workbench 11 and the 12 summary); optional       ``debug``
                              ``debug.lshw``                                    if present
============================  ================================================  =========

Embedded raw outputs are parsed with the lshw/smartctl/dmidecode parsers; a broken
embedded output becomes a warning, not a failure. Fields may be JSON embedded as a
string. Workbench 11 units: drive ``size`` in MB (10^6 bytes), RAM ``size`` in MiB,
display ``size`` in inches. Erasures: Workbench 11 ``EraseBasic`` (overwrite, no
verification) and ``EraseSectors`` (overwrite + badblocks sector verification) are NIST
"clear"; ``steps`` are the passes. workbench-script ``erase`` entries are used only when
they are structured records (see :mod:`.erasure`); free text is reported as a warning.
Naive timestamps are taken as UTC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._util import (
    as_dict,
    as_list,
    clean_name,
    clean_serial,
    clean_str,
    maybe_json,
    parse_datetime,
    to_int,
)
from .dmidecode import DmidecodeReport, parse_dmidecode
from .erasure import parse_erasure_record
from .errors import ReportError, UnknownReportFormat
from .lshw import LshwReport, parse_lshw
from .models import ParsedErasure
from .smartctl import SmartctlNotADisk, SmartctlReport, parse_smartctl

GENERATIONS = ("workbench-script-0.0.1", "workbench-script-legacy", "workbench-11")
ACCEPTED = (
    "eReuse workbench-script 0.0.1 (data.smartctl/dmidecode/inxi), "
    "eReuse workbench-script legacy (data.lshw/smart/dmidecode/hwinfo), "
    "eReuse Workbench 11/12 (device + components)"
)


@dataclass(frozen=True)
class EreuseDevice:
    type: str | None
    chassis: str | None
    manufacturer: str | None
    model: str | None
    serial: str | None
    sku: str | None


@dataclass(frozen=True)
class EreuseStorageTest:
    assessment: bool | None
    status: str | None
    lifetime_hours: int | None
    reallocated: int | None
    pending: int | None
    offline_uncorrectable: int | None
    reported_uncorrect: int | None = None  # "reportedUncorrectableErrors" (ATA 187)


@dataclass(frozen=True)
class EreuseComponent:
    type: str
    manufacturer: str | None
    model: str | None
    serial: str | None
    size: float | None  # MB for drives, MiB for RAM, inches for Display
    cores: int | None
    threads: int | None
    storage_test: EreuseStorageTest | None


@dataclass(frozen=True)
class EreuseSnapshot:
    generation: str
    software: str | None
    version: str | None
    uuid: str | None
    timestamp: datetime | None
    device: EreuseDevice | None
    components: tuple[EreuseComponent, ...]
    lshw: LshwReport | None
    dmidecode: DmidecodeReport | None
    smartctl: tuple[SmartctlReport | SmartctlNotADisk, ...]
    erasures: tuple[ParsedErasure, ...]
    warnings: tuple[str, ...]


def detect_generation(payload: Any) -> str | None:
    """Which eReuse generation ``payload`` is, or None."""
    if not isinstance(payload, dict):
        return None
    data = payload.get("data")
    if isinstance(data, dict):
        if "smartctl" in data or "inxi" in data:
            return "workbench-script-0.0.1"
        if "lshw" in data or "smart" in data or "hwinfo" in data:
            return "workbench-script-legacy"
    if isinstance(payload.get("device"), dict) and isinstance(payload.get("components"), list):
        return "workbench-11"
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) and number >= 0 else None
    return None


def _storage_test(actions: list) -> EreuseStorageTest | None:
    for action in actions:
        action = as_dict(action)
        if action.get("type") == "TestDataStorage":
            assessment = action.get("assessment")
            return EreuseStorageTest(
                assessment=assessment if isinstance(assessment, bool) else None,
                status=clean_str(action.get("status")),
                lifetime_hours=to_int(action.get("lifetime")),
                reallocated=to_int(action.get("reallocatedSectorCount")),
                pending=to_int(action.get("currentPendingSectorCount")),
                offline_uncorrectable=to_int(action.get("offlineUncorrectable")),
                reported_uncorrect=to_int(action.get("reportedUncorrectableErrors")),
            )
    return None


def _wb_erasures(component: dict) -> list[ParsedErasure]:
    out = []
    for action in as_list(component.get("actions")):
        action = as_dict(action)
        kind = clean_str(action.get("type"))
        if kind not in ("EraseBasic", "EraseSectors"):
            continue
        steps = [as_dict(s) for s in as_list(action.get("steps"))]
        severities = [clean_str(action.get("severity"))] + [
            clean_str(s.get("severity")) for s in steps
        ]
        bad = any(s and s.lower() in ("error", "warning") for s in severities)
        step_names = "+".join(clean_str(s.get("type")) or "?" for s in steps)
        out.append(
            ParsedErasure(
                drive_serial=clean_serial(component.get("serialNumber")),
                tool="workbench",
                method=f"{kind}: {step_names}" if step_names else kind,
                nist_category=None if bad else "clear",
                passes=len(steps) or None,
                verified=(kind == "EraseSectors") and not bad,
                result="failed" if bad else "erased",
                started=parse_datetime(action.get("startTime")),
                finished=parse_datetime(action.get("endTime")),
                raw_excerpt=f"{kind} severity={severities[0]} steps={step_names}",
                drive_model=clean_name(component.get("model")),
            )
        )
    return out


def _smart_list(value: Any, warnings: list[str]) -> list[SmartctlReport | SmartctlNotADisk]:
    try:
        value = maybe_json(value, "smartctl")
    except ReportError as exc:
        warnings.append(f"smartctl data unreadable: {exc.message}")
        return []
    if isinstance(value, dict):
        value = [value]
    out = []
    for item in as_list(value):
        try:
            out.append(parse_smartctl(item))
        except ReportError as exc:
            warnings.append(f"smartctl entry skipped: {exc.message}")
    return out


def parse_ereuse(payload: Any) -> EreuseSnapshot:
    """Parse an eReuse Workbench snapshot; raises :class:`UnknownReportFormat` otherwise."""
    if isinstance(payload, str | bytes):
        payload = maybe_json(payload, "snapshot")
    generation = detect_generation(payload)
    if generation is None:
        raise UnknownReportFormat(
            f"This snapshot format is not recognised. Accepted formats: {ACCEPTED}, "
            "and the Atelier agent's own JSON.",
        )
    warnings: list[str] = []
    data = as_dict(payload.get("data"))
    lshw = dmi = None
    smart: list = []
    components: list[EreuseComponent] = []
    erasures: list[ParsedErasure] = []
    device = None

    raw_lshw = data.get("lshw")
    if raw_lshw is None:
        raw_lshw = as_dict(payload.get("debug")).get("lshw")
    if raw_lshw not in (None, "", "{}", {}):
        try:
            lshw = parse_lshw(raw_lshw)
        except ReportError as exc:
            warnings.append(f"lshw data unreadable: {exc.message}")
    if isinstance(data.get("dmidecode"), str):
        try:
            dmi = parse_dmidecode(data["dmidecode"])
        except ReportError as exc:  # pragma: no cover - parse_dmidecode accepts any text
            warnings.append(f"dmidecode data unreadable: {exc.message}")
    if "smartctl" in data:
        smart = _smart_list(data["smartctl"], warnings)
    elif "smart" in data:
        smart = _smart_list(data["smart"], warnings)

    for entry in as_list(payload.get("erase")):
        if isinstance(entry, dict) and "tool" in entry:
            try:
                erasures.append(parse_erasure_record(entry))
            except ReportError as exc:
                warnings.append(f"erase entry skipped: {exc.message}")
        else:
            warnings.append("unstructured workbench-script erase entry ignored (no result data)")

    if generation == "workbench-11":
        dev = as_dict(payload.get("device"))
        device = EreuseDevice(
            type=clean_str(dev.get("type")),
            chassis=clean_str(dev.get("chassis")),
            manufacturer=clean_name(dev.get("manufacturer")),
            model=clean_name(dev.get("model")),
            serial=clean_serial(dev.get("serialNumber")),
            sku=clean_name(dev.get("sku")),
        )
        for comp in as_list(payload.get("components")):
            comp = as_dict(comp)
            ctype = clean_str(comp.get("type"))
            if not ctype:
                continue
            components.append(
                EreuseComponent(
                    type=ctype,
                    manufacturer=clean_name(comp.get("manufacturer")),
                    model=clean_name(comp.get("model")),
                    serial=clean_serial(comp.get("serialNumber")),
                    size=_float(comp.get("size")),
                    cores=to_int(comp.get("cores")),
                    threads=to_int(comp.get("threads")),
                    storage_test=_storage_test(as_list(comp.get("actions"))),
                )
            )
            erasures.extend(_wb_erasures(comp))

    return EreuseSnapshot(
        generation=generation,
        software=clean_str(payload.get("software")),
        version=clean_str(payload.get("version")),
        uuid=clean_str(payload.get("uuid")),
        timestamp=parse_datetime(payload.get("timestamp") or payload.get("endTime")),
        device=device,
        components=tuple(components),
        lshw=lshw,
        dmidecode=dmi,
        smartctl=tuple(smart),
        erasures=tuple(erasures),
        warnings=tuple(warnings),
    )
