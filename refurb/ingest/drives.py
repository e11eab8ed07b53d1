"""Create or update a device's drives from the drives a report lists.

A report's drives are matched with the recorded ones by serial number (spaces, dashes and case
ignored): a known drive gets its SMART health refreshed and its gaps filled, an unknown one is
added through ``drives_add`` (all of a report's new drives at once), which tags them and writes
their events; in a device that stays where it is (``received``, reserved) they are inserted
with ``drives_insert`` and their events left for the ingestion to append with its own.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from refurb.ingest.outcome import IngestOutcome
from refurb.models import Drive
from refurb.services import drives_add
from refurb.services.drives import drives_insert
from refurb.snapshots import ParsedDrive
from refurb.snapshots.placeholders import is_placeholder
from refurb.states import DRIVE_FOUND_STATES, EXIT_STATES

KIND_MAP = {
    "HDD": Drive.Kind.HDD,
    "SSD": Drive.Kind.SSD,
    "NVMe": Drive.Kind.NVME,
    "eMMC": Drive.Kind.EMMC,
    "other": Drive.Kind.OTHER,
}
HEALTH_FIELDS = ("power_on_hours", "reallocated", "pending", "media_errors", "smart_passed")


def serial_key(serial: str | None) -> str:
    """Return the form of a drive serial that matches however it was typed or reported.

    A firmware placeholder ("0000000000", "To Be Filled By O.E.M.") gives "": it matches
    nothing, so two drives sharing it are never merged.
    """
    if not serial or is_placeholder(serial, "serial"):
        return ""
    return re.sub(r"[\s_-]", "", serial).casefold()


def _smart(drive: ParsedDrive) -> dict:
    smart = {
        "source": drive.source,
        "device": drive.device,
        "failing_reasons": list(drive.failing_reasons),
    }
    for name in ("controller", "port", "reported_uncorrect"):
        if getattr(drive, name) is not None:
            smart[name] = getattr(drive, name)
    if drive.raid_volume:
        smart["raid_volume"] = True
    return smart


def record_drives(
    device,
    parsed_drives,
    *,
    actor,
    workstation,
    now,
    outcome: IngestOutcome,
    new_device=False,
    pending: list | None = None,
) -> dict:
    """Create or update the device's drives from a report; return them by serial key.

    ``device`` is the ingestion's locked row. When it stays where it is and ``pending`` is
    given, the new drives' events are added to ``pending`` (the caller appends them, with
    ``no_storage_confirmed`` and ``no_storage_signed_off`` set to False) instead of being
    appended here.
    """
    drives = [] if new_device else device.drives.all()
    by_key: dict[str, Drive] = {serial_key(d.serial_number): d for d in drives if d.serial_number}
    # The report's drives that are not recorded yet, each with what drive_add takes. A serial
    # listed twice in one report is one drive: its second listing updates the first.
    plan: list[tuple[ParsedDrive, str, dict | None]] = []
    new: list[dict] = []
    first_listing: set[str] = set()
    for parsed in parsed_drives:
        key = serial_key(parsed.serial)
        health = {name: getattr(parsed, name) for name in HEALTH_FIELDS}
        if (key and key in by_key) or (key and key in first_listing):
            plan.append((parsed, key, None))
            continue
        if key:
            first_listing.add(key)
        item = {
            "kind": KIND_MAP.get(parsed.kind, Drive.Kind.OTHER),
            "serial_number": (parsed.serial or "")[:80],
            "model": (parsed.model or "")[:120],
            "capacity_bytes": parsed.capacity_bytes,
            "smart": _smart(parsed),
            "failing": parsed.failing,
            **health,
        }
        plan.append((parsed, key, item))
        new.append(item)
    stays = device.state not in EXIT_STATES and device.state not in DRIVE_FOUND_STATES
    if new and pending is not None and stays:
        inserted, events = drives_insert(device, new, now=now)
        pending.extend(events)
    else:
        inserted = drives_add(
            device=device, drives=new, actor=actor, workstation=workstation, now=now
        )
    added = iter(inserted)
    for parsed, key, item in plan:
        if item is not None:
            drive = next(added)
            outcome.drives_added.append(drive.tag)
            if not key:
                outcome.warnings.append(
                    _("Drive %(tag)s has no serial number: check its label by hand.")
                    % {"tag": drive.tag}
                )
        else:
            drive = by_key[key]
            _update(drive, parsed)
            outcome.drives_updated.append(drive.tag)
        if key:
            by_key[key] = drive
        if drive.failing:
            outcome.failing.append(drive.tag)
    return by_key


def _update(drive: Drive, parsed: ParsedDrive) -> None:
    """Refresh a recorded drive's SMART health from a report and fill its gaps."""
    health = {name: getattr(parsed, name) for name in HEALTH_FIELDS}
    changed = ["smart", "failing"]
    drive.smart = _smart(parsed)
    drive.failing = parsed.failing
    for name, value in health.items():
        if value is not None:
            setattr(drive, name, value)
            changed.append(name)
    if parsed.capacity_bytes and not drive.capacity_bytes:
        drive.capacity_bytes = parsed.capacity_bytes
        changed.append("capacity_bytes")
    if parsed.model and not drive.model:
        drive.model = parsed.model[:120]
        changed.append("model")
    drive.save(update_fields=changed)
