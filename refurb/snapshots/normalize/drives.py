"""Merge the drives every source reports into one list, and tie nwipe results to them.

The same physical drive often appears in several sources: drives are matched by serial, then
by device name, and smartctl > lshw > Workbench components (smartctl wins for serial, model,
kind, capacity and health; a weaker source only fills the gaps). lshw disks on a USB bus are
left out (the live USB stick, card readers) with a warning; smartctl drives are always kept (a
USB enclosure may hold the drive under test).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import ParsedDrive, ParsedErasure
from ..nwipe import NwipeLog
from ..smartctl import SmartctlNotADisk, is_raid_volume
from .sources import Sources

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
    "reported_uncorrect",
)


def _key(serial: str | None) -> str | None:
    return re.sub(r"[\s_-]", "", serial).casefold() if serial else None


def _fill(strong: ParsedDrive, weak: ParsedDrive) -> ParsedDrive:
    """``strong`` with its missing fields taken from ``weak`` (same physical drive)."""
    changes = {
        name: getattr(weak, name)
        for name in _FILLABLE
        if getattr(strong, name) is None and getattr(weak, name) is not None
    }
    if weak.kind != "other" and (
        strong.kind == "other" or (weak.kind_certain and not strong.kind_certain)
    ):
        # The best source of the kind: smartctl's rotation rate or NVMe, Workbench's
        # SolidStateDrive/HardDrive, before lshw's or smartctl's guess from a name.
        changes["kind"] = weak.kind
        changes["kind_certain"] = weak.kind_certain
    if weak.failing:
        changes["failing"] = True
        changes["failing_reasons"] = tuple(
            dict.fromkeys(strong.failing_reasons + weak.failing_reasons)
        )
    if weak.raid_volume:
        changes["raid_volume"] = True
    if changes:
        changes["source"] = f"{strong.source}+{weak.source}"
    return replace(strong, **changes)


def merge_drives(src: Sources) -> list[ParsedDrive]:
    """Return one drive per physical drive, strongest source first; warn about the rest."""
    drives: list[ParsedDrive] = []
    by_serial: dict[str, int] = {}
    by_device: dict[str, int] = {}

    def add(drive: ParsedDrive) -> None:
        k = _key(drive.serial)
        index = by_serial.get(k) if k else None
        # Behind a RAID controller every disk reports the controller's /dev/sda: the place
        # of a drive is its device name AND its port ("megaraid,0").
        place = (drive.device, drive.port) if drive.device else None
        if index is None and place and place in by_device:
            other = drives[by_device[place]]
            if other.serial is None or drive.serial is None:
                index = by_device[place]
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
        if place and place not in by_device:
            by_device[place] = len(drives)
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
                controller=rep.controller,
                port=rep.port,
                kind_certain=rep.rotation_rate is not None or rep.kind == "NVMe",
                raid_volume=rep.raid_volume,
                reported_uncorrect=rep.reported_uncorrect,
            )
        )
        if rep.raid_volume:
            src.warnings.append(
                f"{rep.device_name} ({rep.model or rep.serial}) is a RAID volume, not a "
                "physical disk: erase the physical disks behind the controller"
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
                    raid_volume=is_raid_volume(disk.model, disk.serial, {}),
                    kind_certain=disk.kind in ("NVMe", "eMMC"),
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
                ("reported_uncorrect", test.reported_uncorrect if test else None),
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
                    reported_uncorrect=test.reported_uncorrect if test else None,
                    failing=bool(reasons),
                    source="workbench",
                    failing_reasons=tuple(reasons),
                    kind_certain=comp.type in ("HardDrive", "SolidStateDrive"),
                )
            )
    return drives


def nwipe_erasures(log: NwipeLog, drives: list[ParsedDrive], warnings: list[str]):
    """Return one erasure per disk of an nwipe log, tied to ``drives`` by device name.

    A device name shared by several drives (disks behind a RAID controller) names none.
    """
    by_device: dict[str, ParsedDrive | None] = {}
    for d in drives:
        if d.device:
            by_device[d.device] = None if d.device in by_device else d
    out = []
    if not log.disks:
        detail = "; ".join(log.messages) or "no device was wiped"
        warnings.append(f"nwipe did not erase any disk: {detail}")
    for disk in log.disks:
        drive = by_device.get(disk.device)
        serial = disk.serial or (drive.serial if drive else None)
        if serial is None:
            warnings.append(
                f"nwipe result for {disk.device} names no usable drive serial: say which drive "
                "it was (send the snapshot of this machine first, or record the erasure at the "
                "bench)"
            )
        out.append(
            ParsedErasure(
                drive_serial=serial,
                tool="nwipe",
                method=log.method,
                nist_category=(
                    log.nist_category
                    if disk.result == "erased" and not disk.hidden_area and not log.read_only
                    else None
                ),
                passes=(log.passes * log.rounds) if log.passes and log.rounds else log.passes,
                verified=disk.verified,
                result=disk.result,
                started=disk.started_at,
                finished=disk.finished_at,
                raw_excerpt=(
                    f"nwipe {log.version or '?'} ({log.log_format}) {disk.device} "
                    f"status={disk.status} errors={disk.errors} io_error={disk.io_error} "
                    f"verify={log.verify} blank={log.blanking} hidden_area={disk.hidden_area}"
                    + (f" cause={disk.cause}" if disk.cause else "")
                ),
                device=disk.device,
                drive_model=disk.model or (drive.model if drive else None),
                writes=not log.read_only,
                hidden_area=disk.hidden_area,
            )
        )
    return out
