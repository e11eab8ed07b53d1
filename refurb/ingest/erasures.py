"""Record erasure evidence on a device's drives, from a snapshot or sent on its own.

``record_erasures`` ties each erasure a report found to a drive by serial (adding the drive
when it is not recorded yet) and writes it through ``drive_record_erasure``, once per distinct
run. ``erasure_import`` does the same for an nwipe log or structured records of other tools
sent for a device by its asset tag, all in one transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.ingest.devices import device_by_tag
from refurb.ingest.drives import serial_key
from refurb.ingest.errors import report_error
from refurb.ingest.outcome import IngestOutcome
from refurb.models import Device, DeviceEvent, Drive, Erasure, NistMethod
from refurb.services import drive_add, drive_record_check, drive_record_erasure
from refurb.snapshots import ParsedDrive, ParsedErasure
from refurb.snapshots.erasure import parse_erasure_record
from refurb.snapshots.errors import ReportError
from refurb.snapshots.methods import classify, is_read_only
from refurb.snapshots.normalize.drives import nwipe_erasures
from refurb.snapshots.normalize.sources import tz_from_offset
from refurb.snapshots.nwipe import parse_nwipe_log
from workshop.exceptions import DomainError

RESULT_MAP = {
    "erased": Erasure.Result.SUCCESS,
    "failed": Erasure.Result.FAILED,
    "aborted": Erasure.Result.ABORTED,
    "not_run": Erasure.Result.ABORTED,
}

# A read-only run that read back what it expected "passed"; it never "erased" anything.
CHECK_RESULTS = {"erased": "passed"}


def _nist_method(erasure: ParsedErasure) -> str:
    if erasure.nist_category in (NistMethod.CLEAR, NistMethod.PURGE):
        return erasure.nist_category
    info = classify(erasure.tool, erasure.method)
    if info is not None and info.category in (NistMethod.CLEAR, NistMethod.PURGE):
        return info.category
    return NistMethod.CLEAR


def _is_check(parsed: ParsedErasure) -> bool:
    """A read-only run (nwipe "Verify Zeros", nvme verify...): recorded as a check."""
    return parsed.writes is False or is_read_only(parsed.tool, parsed.method)


def _standard(erasure: ParsedErasure) -> str:
    return (erasure.method or "")[:80]


def _proof_doubts(parsed: ParsedErasure) -> list[str]:
    """Why a run the tool calls a success is not a proof (empty: nothing in doubt)."""
    doubts = []
    if parsed.result != "erased":
        return doubts
    if parsed.nist_category is None:
        doubts.append(_("its method sanitizes nothing (no NIST SP 800-88 category)"))
    if parsed.hidden_area:
        doubts.append(_("a hidden area (HPA/DCO) was not erased"))
    return doubts


def record_erasures(
    device, erasures, drives_by_key, *, actor, workstation, now, outcome: IngestOutcome
):
    """Record each erasure on its drive (by serial key); a failed one leaves it to destroy."""
    for parsed in erasures:
        key = serial_key(parsed.drive_serial)
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
        if (drive.smart or {}).get("raid_volume"):
            outcome.warnings.append(
                _(
                    "%(tag)s is a RAID volume, not a physical disk: its erasure by %(tool)s "
                    "was not recorded. Erase the physical disks behind the controller."
                )
                % {"tag": drive.tag, "tool": parsed.tool}
            )
            continue
        if drive.status == Drive.Status.DESTROYED:
            outcome.warnings.append(
                _("Drive %(tag)s is already destroyed: its erasure log was not recorded.")
                % {"tag": drive.tag}
            )
            continue
        finished = parsed.finished or now
        started = parsed.started if parsed.started and parsed.started <= finished else None
        if _is_check(parsed):
            record_check(drive, parsed, started, finished, actor, workstation, now, outcome)
            continue
        result = RESULT_MAP.get(parsed.result, Erasure.Result.FAILED)
        doubts = _proof_doubts(parsed)
        verified = bool(parsed.verified) and not doubts
        if doubts:
            outcome.warnings.append(
                _("The erasure of drive %(tag)s by %(tool)s is not a proof: %(why)s.")
                % {"tag": drive.tag, "tool": parsed.tool, "why": "; ".join(doubts)}
            )
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
            verified=verified,
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


def record_check(drive, parsed, started, finished, actor, workstation, now, outcome):
    """Record a read-only run on ``drive`` as a check (once per distinct run)."""
    result = CHECK_RESULTS.get(parsed.result, parsed.result)
    if DeviceEvent.objects.filter(
        device_id=drive.device_id,
        code=DeviceEvent.Code.DRIVE_CHECK,
        payload__drive=drive.tag,
        payload__tool=parsed.tool,
        payload__finished_at=finished.isoformat(),
    ).exists():
        return
    drive_record_check(
        drive=drive,
        tool=parsed.tool,
        method=parsed.method or "",
        result=result,
        actor=actor,
        started_at=started,
        finished_at=finished,
        log=parsed.raw_excerpt,
        workstation=workstation,
        now=now,
    )
    outcome.checks.append(
        {"drive": drive.tag, "serial": drive.serial_number, "tool": parsed.tool,
         "method": parsed.method, "result": result, "writes": False}
    )  # fmt: skip
    outcome.warnings.append(
        _(
            "%(method)s by %(tool)s on drive %(tag)s only read the drive: recorded as a "
            "check, not as an erasure. The drive still has to be erased."
        )
        % {"method": parsed.method or "?", "tool": parsed.tool, "tag": drive.tag}
    )


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
    device = device_by_tag(asset_tag)
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
        by_key = {serial_key(d.serial_number): d for d in drives if d.serial_number}
        record_erasures(
            device,
            erasures,
            by_key,
            actor=actor,
            workstation=workstation,
            now=now,
            outcome=outcome,
        )
    return outcome
