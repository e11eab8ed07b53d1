"""Turn bench reports into devices, drives and erasure evidence.

``snapshot_ingest`` takes a hardware snapshot (the bench agent's JSON or an eReuse Workbench
report), parses it OUTSIDE any transaction, then in ONE transaction stores the raw report
unchanged, finds or registers the device, records its drives (with SMART health) and the
erasures found in the report, and appends a ``snapshot`` event. ``erasure_import`` does the
same for erasure evidence alone (an nwipe log or structured records of other tools) sent for
a device by its asset tag. Either everything is written or nothing is.

The ``specs`` keys written on the device are documented in ``specs_from_snapshot``; other
parts of the system (labels, the shop) read them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import Category, Device, DeviceEvent, Drive, Erasure, NistMethod, Snapshot
from refurb.selectors import devices_by_serial
from refurb.services import device_register, drive_add, drive_record_erasure
from refurb.snapshots import ParsedDrive, ParsedErasure, ParsedSnapshot, parse_snapshot
from refurb.snapshots.erasure import nist_category_for, parse_erasure_record
from refurb.snapshots.errors import ReportError, UnknownReportFormat
from refurb.snapshots.normalize import AGENT_FORMAT
from refurb.snapshots.normalize.drives import nwipe_erasures
from refurb.snapshots.normalize.sources import tz_from_offset
from refurb.snapshots.nwipe import parse_nwipe_log
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.tags import parse_tag

KIND_MAP = {
    "HDD": Drive.Kind.HDD,
    "SSD": Drive.Kind.SSD,
    "NVMe": Drive.Kind.NVME,
    "eMMC": Drive.Kind.EMMC,
    "other": Drive.Kind.OTHER,
}
CATEGORY_FOR_HINT = {
    "laptop": "laptop",
    "desktop": "desktop",
    "server": "server",
    "all-in-one": "all_in_one",
    "tablet": "tablet",
}
DEFAULT_CATEGORY = "desktop"
RESULT_MAP = {
    "erased": Erasure.Result.SUCCESS,
    "failed": Erasure.Result.FAILED,
    "aborted": Erasure.Result.ABORTED,
    "not_run": Erasure.Result.ABORTED,
}
HEALTH_FIELDS = ("power_on_hours", "reallocated", "pending", "media_errors", "smart_passed")
ACCEPTED_FORMATS = (
    AGENT_FORMAT,
    "workbench-script-0.0.1",
    "workbench-script-legacy",
    "workbench-11",
)


def report_error(exc: ReportError) -> DomainError:
    """Return the ``DomainError`` the API answers for a parser error (400, stable code)."""
    if isinstance(exc, UnknownReportFormat):
        return DomainError(
            exc.code,
            _(
                "This report comes from a tool Atelier does not read. Send the bench agent's "
                "JSON or an eReuse Workbench snapshot (accepted formats: %(formats)s)."
            )
            % {"formats": ", ".join(ACCEPTED_FORMATS)},
            fields={"format": list(ACCEPTED_FORMATS)},
        )
    return DomainError(
        exc.code,
        _("The report could not be read: %(detail)s Fix the report and send it again.")
        % {"detail": exc.message},
    )


# --- specs ---------------------------------------------------------------------------------

_INTEL_GEN = re.compile(r"\bi[3579]-(\d{3,5})([a-z]*\d?)", re.IGNORECASE)
_AMD_GEN = re.compile(r"\bryzen\s+(?:threadripper\s+)?(?:\d\s+)?(?:pro\s+)?(\d{4})", re.I)


def cpu_generation(model: str | None) -> int | None:
    """Return the generation of an Intel Core iN-NNNN or AMD Ryzen model, else None.

    Intel: i5-520M is 1st, i5-4210U 4th, i7-1165G7 11th, i7-10510U 10th, i9-12900K 12th.
    AMD Ryzen: the first digit of the four-digit model (Ryzen 5 3500U is 3rd).
    """
    if not model:
        return None
    m = _INTEL_GEN.search(model)
    if m:
        digits, suffix = m.group(1), m.group(2)
        if len(digits) == 3:
            return 1
        if len(digits) == 5:
            return int(digits[:2])
        if digits.startswith("1") and suffix[:1].upper() == "G":
            return int(digits[:2])
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


# --- drives and erasures ---------------------------------------------------------------


def _serial_key(serial: str | None) -> str:
    return re.sub(r"[\s_-]", "", serial or "").casefold()


def _smart(drive: ParsedDrive) -> dict:
    return {
        "source": drive.source,
        "device": drive.device,
        "failing_reasons": list(drive.failing_reasons),
    }


def _nist_method(erasure: ParsedErasure) -> str:
    if erasure.nist_category in (NistMethod.CLEAR, NistMethod.PURGE):
        return erasure.nist_category
    if erasure.tool in ("hdparm", "nvme-format", "nvme-sanitize"):
        return nist_category_for(erasure.tool, erasure.method, True) or NistMethod.CLEAR
    return NistMethod.CLEAR


def _standard(erasure: ParsedErasure) -> str:
    if erasure.nist_category is None and erasure.result == "erased":
        return (_("%(method)s (not a sanitisation)") % {"method": erasure.method or "?"})[:80]
    return (erasure.method or "")[:80]


@dataclass
class IngestOutcome:
    """What one ingestion did, for the API answer and the event payload."""

    drives_added: list[str] = field(default_factory=list)
    drives_updated: list[str] = field(default_factory=list)
    erasures: list[dict] = field(default_factory=list)
    to_destroy: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _record_drives(
    device, parsed_drives, *, actor, workstation, now, outcome, new_device=False
) -> dict:
    """Create or update the device's drives from a report; return them by serial key."""
    drives = [] if new_device else device.drives.all()
    by_key: dict[str, Drive] = {_serial_key(d.serial_number): d for d in drives if d.serial_number}
    for parsed in parsed_drives:
        key = _serial_key(parsed.serial)
        health = {name: getattr(parsed, name) for name in HEALTH_FIELDS}
        drive = by_key.get(key) if key else None
        if drive is None:
            drive = drive_add(
                device=device,
                actor=actor,
                kind=KIND_MAP.get(parsed.kind, Drive.Kind.OTHER),
                serial_number=(parsed.serial or "")[:80],
                model=(parsed.model or "")[:120],
                capacity_bytes=parsed.capacity_bytes,
                smart=_smart(parsed),
                failing=parsed.failing,
                workstation=workstation,
                now=now,
                **health,
            )
            outcome.drives_added.append(drive.tag)
            if not key:
                outcome.warnings.append(
                    _("Drive %(tag)s has no serial number: check its label by hand.")
                    % {"tag": drive.tag}
                )
        else:
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
            outcome.drives_updated.append(drive.tag)
        if key:
            by_key[key] = drive
        if drive.failing:
            outcome.failing.append(drive.tag)
    return by_key


def _record_erasures(device, erasures, drives_by_key, *, actor, workstation, now, outcome):
    for parsed in erasures:
        key = _serial_key(parsed.drive_serial)
        if not key:
            outcome.warnings.append(
                _("An erasure by %(tool)s on %(device)s names no drive serial: not recorded.")
                % {"tool": parsed.tool, "device": parsed.device or "?"}
            )
            continue
        drive = drives_by_key.get(key)
        if drive is None:
            drive = drive_add(
                device=device,
                actor=actor,
                kind=Drive.Kind.OTHER,
                serial_number=parsed.drive_serial[:80],
                model=(parsed.drive_model or "")[:120],
                workstation=workstation,
                now=now,
            )
            drives_by_key[key] = drive
            outcome.drives_added.append(drive.tag)
        if drive.status == Drive.Status.DESTROYED:
            outcome.warnings.append(
                _("Drive %(tag)s is already destroyed: its erasure log was not recorded.")
                % {"tag": drive.tag}
            )
            continue
        finished = parsed.finished or now
        started = parsed.started if parsed.started and parsed.started <= finished else None
        result = RESULT_MAP.get(parsed.result, Erasure.Result.FAILED)
        if Erasure.objects.filter(
            drive=drive,
            tool=parsed.tool,
            started_at=started,
            finished_at=finished,
            result=result,
        ).exists():
            continue  # the same report sent twice: record its evidence once
        erasure = drive_record_erasure(
            drive=drive,
            method=_nist_method(parsed),
            tool=parsed.tool,
            result=result,
            verified=bool(parsed.verified),
            actor=actor,
            passes=max(1, parsed.passes or 1),
            standard=_standard(parsed),
            started_at=started,
            finished_at=finished,
            log=parsed.raw_excerpt,
            workstation=workstation,
            now=now,
        )
        outcome.erasures.append(
            {
                "drive": drive.tag,
                "serial": drive.serial_number,
                "tool": erasure.tool,
                "result": erasure.result,
                "verified": erasure.verified,
                "drive_status": drive.status,
            }
        )
        if drive.status == Drive.Status.FAILED and drive.tag not in outcome.to_destroy:
            outcome.to_destroy.append(drive.tag)


# --- finding the device --------------------------------------------------------------------


def _device_by_tag(tag: str) -> Device:
    code = parse_tag(tag).text
    device = Device.objects.filter(asset_tag=code).first()
    if device is None:
        raise DomainError(
            "device_not_found",
            _("No device has asset tag %(tag)s: check the tag on the device and try again.")
            % {"tag": code},
            fields={"asset_tag": [_("Unknown asset tag.")]},
            status=404,
        )
    return device


def _device_by_serial(serial: str | None) -> Device | None:
    if not serial:
        return None
    found = devices_by_serial(serial)
    if len(found) > 1:
        tags = [d.asset_tag for d in found]
        raise DomainError(
            "serial_ambiguous",
            _(
                "Serial number %(serial)s matches several devices (%(tags)s). Run the agent "
                "again with --asset-tag and the tag stuck on this device."
            )
            % {"serial": serial, "tags": ", ".join(tags)},
            fields={"serial": tags},
            status=409,
        )
    return found[0] if found else None


def _category(hint: str | None) -> Category:
    code = CATEGORY_FOR_HINT.get(hint or "", DEFAULT_CATEGORY)
    return Category.objects.get(code=code)


def _site_for(workstation, site):
    if workstation is not None:
        return workstation.site
    if site is not None:
        return site
    sites = list(Site.objects.all()[:2])
    if len(sites) == 1:
        return sites[0]
    raise DomainError(
        "site_required",
        _(
            "This device is new and Atelier cannot tell which site received it: send the "
            "report with a workstation token, or give the site code."
        ),
        fields={"site": [_("This field is required.")]},
    )


# --- the services --------------------------------------------------------------------------


def _fill_identity(device: Device, parsed: ParsedSnapshot, warnings: list[str]) -> list[str]:
    ident = parsed.identity
    changed = []
    for attr, value, limit in (
        ("make", ident.manufacturer, 80),
        ("model", ident.model, 120),
        ("serial_number", ident.serial, 80),
    ):
        if not value:
            continue
        value = value.strip()[:limit]
        current = getattr(device, attr)
        if not current:
            setattr(device, attr, value)
            changed.append(attr)
        elif attr == "serial_number" and current.casefold() != value.casefold():
            warnings.append(
                _(
                    "The report says serial %(new)s but %(tag)s is recorded with %(old)s: "
                    "check the device and correct it if needed."
                )
                % {"new": value, "tag": device.asset_tag, "old": current}
            )
    specs = {**device.specs, **specs_from_snapshot(parsed)}
    if specs != device.specs:
        device.specs = specs
        changed.append("specs")
    return changed


def snapshot_ingest(
    *,
    payload: dict,
    raw: bytes,
    workstation,
    actor,
    site=None,
    now: datetime | None = None,
    parsed: ParsedSnapshot | None = None,
) -> Snapshot:
    """Store a bench report unchanged and apply it to its device, all in one transaction.

    The device is found by the report's asset tag, else by its system serial number, else
    registered in ``received``. Drives are created or updated by serial (SMART health, the
    ``failing`` flag), erasures in the report are recorded (a failed or unverified one leaves
    the drive ``failed``: destroy it). Raises ``DomainError`` (400 for an unreadable report,
    404 for an unknown asset tag, 409 ``serial_ambiguous``) and then writes nothing.
    """
    now = now or timezone.now()
    if parsed is None:
        try:
            parsed = parse_snapshot(payload)
        except ReportError as exc:
            raise report_error(exc) from exc
    outcome = IngestOutcome(warnings=list(parsed.warnings))
    digest = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        if parsed.asset_tag:
            device = _device_by_tag(parsed.asset_tag)
        else:
            device = _device_by_serial(parsed.identity.serial)
        registered = device is None
        if registered:
            ident = parsed.identity
            register_site = _site_for(workstation, site)
            if ident.serial and connection.features.has_select_for_update:
                # Two benches posting the same new machine at once: the site row lock makes
                # the second wait, then find the device the first one registered. (SQLite
                # already serialises writers: the transaction began IMMEDIATE.)
                Site.objects.select_for_update().filter(pk=register_site.pk).first()
                device = _device_by_serial(ident.serial)
                registered = device is None
        if registered:
            device = device_register(
                site=register_site,
                category=_category(ident.category_hint),
                actor=actor,
                make=(ident.manufacturer or "")[:80],
                model=(ident.model or "")[:120],
                serial_number=(ident.serial or "")[:80],
                workstation=workstation,
                now=now,
            )
        else:
            # A device registered in this transaction is already ours; others are locked.
            device = Device.objects.select_for_update().select_related("category").get(pk=device.pk)
        drives_by_key = _record_drives(
            device,
            parsed.drives,
            actor=actor,
            workstation=workstation,
            now=now,
            outcome=outcome,
            new_device=registered,
        )
        _record_erasures(
            device,
            parsed.erasures,
            drives_by_key,
            actor=actor,
            workstation=workstation,
            now=now,
            outcome=outcome,
        )
        if outcome.erasures:
            # drive_record_erasure appended events to its own copy of the device row.
            device.refresh_from_db(fields=["event_seq", "event_head", "no_storage_confirmed"])
        changed = _fill_identity(device, parsed, outcome.warnings)
        summary = summary_from_snapshot(parsed)
        snapshot = Snapshot.objects.create(
            device=device,
            source_format=parsed.source_format,
            raw=raw,
            raw_sha256=digest,
            payload=payload,
            summary=summary,
            warnings=outcome.warnings,
            collected_at=parsed.collected_at,
            received_at=now,
            workstation=workstation,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event_append(
            device=device,
            code=DeviceEvent.Code.SNAPSHOT,
            actor=actor,
            workstation=workstation,
            payload={
                "snapshot": snapshot.pk,
                "format": parsed.source_format,
                "sha256": digest,
                "registered": registered,
                "changed": changed,
                "drives_added": outcome.drives_added,
                "drives_updated": outcome.drives_updated,
                "erasures": outcome.erasures,
                "failing": outcome.failing,
                "to_destroy": outcome.to_destroy,
            },
            now=now,
            device_fields=changed,
        )
    snapshot.outcome = outcome
    snapshot.registered = registered
    return snapshot


def _as_utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None


def erasure_import(
    *,
    asset_tag: str,
    actor,
    workstation=None,
    nwipe_log: str | None = None,
    records: list | None = None,
    utc_offset: str | None = None,
    now: datetime | None = None,
) -> IngestOutcome:
    """Record erasure evidence from an nwipe log and/or structured records for one device.

    Records follow ``refurb.snapshots.erasure`` (hdparm, nvme-format, nvme-sanitize,
    blkdiscard). Results are tied to the device's drives by serial; a drive named by serial
    and not yet recorded is added. Writes nothing when any part cannot be read.
    """
    now = now or timezone.now()
    tz = tz_from_offset(utc_offset) or UTC
    if not nwipe_log and not records:
        raise DomainError(
            "nothing_to_import",
            _("Send an nwipe log (nwipe_log) or erasure records (records)."),
            fields={"records": [_("This field is required.")]},
        )
    warnings: list[str] = []
    erasures: list[ParsedErasure] = []
    try:
        for record in records or []:
            erasures.append(parse_erasure_record(record, tz))
        log = parse_nwipe_log(nwipe_log, tz) if nwipe_log else None
    except ReportError as exc:
        raise report_error(exc) from exc
    device = _device_by_tag(asset_tag)
    with transaction.atomic():
        device = Device.objects.select_for_update().select_related("category").get(pk=device.pk)
        drives = list(device.drives.all())
        if log is not None:
            known = [
                ParsedDrive(
                    serial=d.serial_number or None,
                    model=d.model,
                    kind="other",
                    device=(d.smart or {}).get("device"),
                )
                for d in drives
            ]
            erasures.extend(nwipe_erasures(log, known, warnings))
        outcome = IngestOutcome(warnings=warnings)
        by_key = {_serial_key(d.serial_number): d for d in drives if d.serial_number}
        _record_erasures(
            device,
            erasures,
            by_key,
            actor=actor,
            workstation=workstation,
            now=now,
            outcome=outcome,
        )
    return outcome


__all__ = [
    "ACCEPTED_FORMATS",
    "IngestOutcome",
    "cpu_generation",
    "erasure_import",
    "report_error",
    "snapshot_ingest",
    "specs_from_snapshot",
]
