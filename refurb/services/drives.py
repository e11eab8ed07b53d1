"""Writes about drives: recorded in a device, erased (with the tool's evidence) or destroyed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import NewEvent, event_append, event_append_many
from refurb.integrity import drive_status_recompute
from refurb.models import (
    Destruction,
    Device,
    DeviceEvent,
    Drive,
    Erasure,
    NistMethod,
)
from refurb.proofs import proof_issue, proof_verifier_register
from refurb.services.lifecycle import _lock, _sync, device_transition
from refurb.services.verification import verification_draw
from refurb.snapshots.methods import classify, is_read_only
from refurb.states import DRIVE_FOUND_STATES, EXIT_STATES, State
from refurb.transitions import ALL
from workshop.exceptions import DomainError, validate
from workshop.services import tag_allocate, tag_allocate_many
from workshop.tags import DRIVE

# Stored as is (reasons are the workers' words, never translated when stored).
DRIVE_FOUND_REASON = "drive found"


def drive_add(
    *,
    device: Device,
    actor,
    kind: str = Drive.Kind.HDD,
    serial_number: str = "",
    model: str = "",
    capacity_bytes: int | None = None,
    smart: dict | None = None,
    failing: bool = False,
    power_on_hours: int | None = None,
    reallocated: int | None = None,
    pending: int | None = None,
    media_errors: int | None = None,
    smart_passed: bool | None = None,
    workstation=None,
    now: datetime | None = None,
) -> Drive:
    """Record a drive found in ``device``, with its own printable tag and SMART health.

    A device past ``received`` (``DRIVE_FOUND_STATES``) goes back to ``received`` in the same
    transaction (reason "drive found"), so it is erased again before it moves on.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(device)
        if locked.state in EXIT_STATES:
            # It left the building: a drive recorded now would be data gone with it.
            raise DomainError(
                "device_gone",
                _("%(tag)s has left the workshop (%(state)s): no drive can be recorded in it.")
                % {"tag": locked.asset_tag, "state": State(locked.state).label},
                status=409,
            )
        drive = Drive(
            device=locked,
            tag=tag_allocate(site=locked.site, kind=DRIVE),
            serial_number=(serial_number or "").strip(),
            model=(model or "").strip(),
            kind=kind,
            capacity_bytes=capacity_bytes,
            smart=smart or {},
            failing=failing,
            power_on_hours=power_on_hours,
            reallocated=reallocated,
            pending=pending,
            media_errors=media_errors,
            smart_passed=smart_passed,
            created_at=now,
        )
        validate(drive)
        drive.save()
        # A drive found after a "no storage" declaration undoes it, and its sign-off with it.
        undone = locked.no_storage_confirmed or locked.no_storage_signed_off
        locked.no_storage_confirmed = False
        locked.no_storage_signed_off = False
        payload = {
            "drive": drive.tag,
            "serial": drive.serial_number,
            "kind": drive.kind,
            "failing": drive.failing,
        }
        if undone:
            payload["no_storage_undone"] = True
        event_append(
            device=locked,
            code=DeviceEvent.Code.DRIVE_ADDED,
            actor=actor,
            workstation=workstation,
            payload=payload,
            now=now,
            device_fields=["no_storage_confirmed", "no_storage_signed_off"],
        )
        if locked.state in DRIVE_FOUND_STATES:
            device_transition(
                device=locked,
                to=State.RECEIVED,
                actor=actor,
                workstation=workstation,
                reason=DRIVE_FOUND_REASON,
                payload={"drive": drive.tag},
                now=now,
                roles=ALL,
                proof=proof_issue("drive_found", drive),
            )
    _sync(device, locked)
    return drive


def drives_add(
    *, device: Device, drives: list[dict], actor, workstation=None, now: datetime | None = None
) -> list[Drive]:
    """Record several drives found in ``device`` at once (a bench report's), in order.

    What ``drive_add`` does for each, in a number of queries that does not grow with the
    drives: the device locked once, their tags taken in one step of the site's counter, the
    drives inserted together and their ``drive_added`` events appended in one batch. Each item
    of ``drives`` holds ``drive_add``'s keyword arguments (``kind``, ``serial_number``…). A
    device past ``received`` goes back to it when its first drive is found: that device's
    drives are recorded one at a time, through ``drive_add``.
    """
    if not drives:
        return []
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(device)
        if locked.state in EXIT_STATES or locked.state in DRIVE_FOUND_STATES:
            added = [
                drive_add(device=locked, actor=actor, workstation=workstation, now=now, **item)
                for item in drives
            ]
            _sync(device, locked)
            return added
        added, events = drives_insert(locked, drives, now=now)
        event_append_many(
            events,
            actor=actor,
            workstation=workstation,
            now=now,
            device_values={"no_storage_confirmed": False, "no_storage_signed_off": False},
        )
    _sync(device, locked)
    return added


def drives_insert(locked: Device, drives: list[dict], *, now: datetime):
    """Insert ``drives`` (``drive_add``'s keyword arguments each) into ``locked``, a device the
    caller holds locked in its transaction and that stays where it is (``received``, reserved:
    not ``DRIVE_FOUND_STATES``, never an exit); return them and their unsaved
    ``drive_added`` events, which the caller appends (``event_append_many``) with
    ``no_storage_confirmed`` and ``no_storage_signed_off`` set to False (a drive found undoes a
    "no storage" declaration, said on the first drive's event).

    Two queries: the tags in one step of the site's counter, the drives in one insert. Each
    drive is validated first (``full_clean`` without what the database would be asked again:
    the device is the locked row, the tags are fresh from the counter).
    """
    if locked.state in EXIT_STATES or locked.state in DRIVE_FOUND_STATES:
        raise ValueError("drives_insert: this device's drives go through drive_add")
    added = []
    for item in drives:
        values = {"kind": Drive.Kind.HDD, "smart": {}, "failing": False, **item}
        values["serial_number"] = (values.get("serial_number") or "").strip()
        values["model"] = (values.get("model") or "").strip()
        values["smart"] = values["smart"] or {}
        drive = Drive(device=locked, tag="pending", created_at=now, **values)
        validate(drive, exclude=["device", "tag"], validate_unique=False)
        added.append(drive)
    if not added:
        return [], []
    tags = tag_allocate_many(site=locked.site, kind=DRIVE, count=len(added))
    for tag, drive in zip(tags, added, strict=True):
        drive.tag = tag
    Drive.objects.bulk_create(added)
    undone = locked.no_storage_confirmed or locked.no_storage_signed_off
    payloads = [
        {
            "drive": drive.tag,
            "serial": drive.serial_number,
            "kind": drive.kind,
            "failing": drive.failing,
        }
        for drive in added
    ]
    if undone:
        payloads[0]["no_storage_undone"] = True
    events = [
        NewEvent(device=locked, code=DeviceEvent.Code.DRIVE_ADDED, payload=payload)
        for payload in payloads
    ]
    return added, events


def drive_found_proves(device, drive, ctx) -> None:
    """Back to ``received`` needs the drive just recorded in this device, not yet safe."""
    if (
        not isinstance(drive, Drive)
        or drive.device_id != device.pk
        or not Drive.objects.filter(pk=drive.pk, device=device)
        .exclude(status__in=Drive.SAFE_STATUSES)
        .exists()
    ):
        raise DomainError(
            "drive_required", _("Record the drive found in the device first."), status=409
        )


proof_verifier_register("drive_found", drive_found_proves)


def _lock_drive(drive: Drive) -> tuple[Device, Drive]:
    device = _lock(drive.device)
    locked = Drive.objects.select_for_update().get(pk=drive.pk)
    return device, locked


def drive_record_check(
    *,
    drive: Drive,
    tool: str,
    method: str,
    result: str,
    actor,
    started_at: datetime | None = None,
    finished_at: datetime | None = None,
    log: str = "",
    workstation=None,
    now: datetime | None = None,
) -> DeviceEvent:
    """Record a read-only check of a drive (e.g. nwipe "Verify Zeros"): evidence, never proof.

    The check is appended to the device's event chain; the drive's status does not change.
    """
    now = now or timezone.now()
    with transaction.atomic():
        device, locked = _lock_drive(drive)
        event = event_append(
            device=device,
            code=DeviceEvent.Code.DRIVE_CHECK,
            actor=actor,
            workstation=workstation,
            payload={
                "drive": locked.tag,
                "serial": locked.serial_number,
                "tool": tool,
                "method": method,
                "result": result,
                "writes": False,
                "started_at": started_at.isoformat() if started_at else None,
                "finished_at": (finished_at or now).isoformat(),
                "log": log[:500],
            },
            now=now,
        )
    return event


def drive_record_erasure(
    *,
    drive: Drive,
    method: str,
    tool: str,
    result: str,
    verified: bool,
    actor,
    passes: int = 1,
    standard: str = "",
    started_at: datetime | None = None,
    finished_at: datetime | None = None,
    log: str = "",
    workstation=None,
    now: datetime | None = None,
) -> Erasure:
    """Record an erasure run; the drive's status is then recomputed from all its evidence
    (a verified success ever recorded: erased; only failures: failed, destroy it)."""
    now = now or timezone.now()
    if (drive.smart or {}).get("raid_volume"):
        raise DomainError(
            "raid_volume",
            _(
                "%(tag)s is a RAID volume, not a physical disk: erasing it leaves data on the "
                "disks. Erase the physical disks behind the controller."
            )
            % {"tag": drive.tag},
            fields={"drive": [_("A RAID volume is not an erasure target.")]},
        )
    if is_read_only(tool, standard):
        raise DomainError(
            "read_only_method",
            _(
                "%(standard)s by %(tool)s only reads the drive: it is a check, not an "
                "erasure. Erase the drive with a method that writes, then record that run."
            )
            % {"standard": standard, "tool": tool},
            fields={"standard": [_("A read-only method is not an erasure.")]},
        )
    info = classify(tool, standard)
    claims_proof = result == Erasure.Result.SUCCESS and verified
    if claims_proof and info is not None and info.category is None and not info.needs_verify:
        raise DomainError(
            "not_a_sanitisation",
            _("%(standard)s by %(tool)s sanitizes nothing (no NIST SP 800-88 category).")
            % {"standard": standard, "tool": tool},
            fields={"standard": [_("Not a sanitisation method.")]},
        )
    if method == NistMethod.DESTROY:
        raise DomainError(
            "use_destruction",
            _("A destroyed drive is recorded as a destruction, not as an erasure."),
            fields={"method": [_("Record a destruction instead.")]},
        )
    with transaction.atomic():
        device, locked = _lock_drive(drive)
        if locked.status == Drive.Status.DESTROYED:
            raise DomainError(
                "drive_destroyed",
                _("Drive %(tag)s is already destroyed: there is nothing left to erase.")
                % {"tag": locked.tag},
                status=409,
            )
        erasure = Erasure(
            drive=locked,
            method=method,
            standard=standard,
            tool=tool,
            passes=passes,
            verified=verified,
            result=result,
            started_at=started_at,
            finished_at=finished_at or now,
            operator=actor if getattr(actor, "is_authenticated", False) else None,
            workstation=workstation,
            log=log,
            created_at=now,
        )
        validate(erasure)
        if started_at and erasure.finished_at and started_at > erasure.finished_at:
            raise DomainError(
                "invalid",
                _("The erasure cannot finish before it started: check the times."),
                fields={"finished_at": [_("Before the start time.")]},
            )
        erasure.save()
        if erasure.is_proof:
            verification_draw(erasure, now=now)
        locked.status = drive_status_recompute(locked)
        locked.save(update_fields=["status"])
        event_append(
            device=device,
            code=DeviceEvent.Code.ERASURE,
            actor=actor,
            workstation=workstation,
            payload={
                "drive": locked.tag,
                "serial": locked.serial_number,
                "method": method,
                "standard": standard,
                "tool": tool,
                "passes": passes,
                "verified": verified,
                "result": result,
                "drive_status": locked.status,
            },
            now=now,
        )
    drive.status = locked.status
    return erasure


def drive_record_destruction(
    *,
    drive: Drive,
    method: str,
    witness: str,
    actor,
    certificate_ref: str = "",
    workstation=None,
    now: datetime | None = None,
) -> Destruction:
    """Record that a drive was physically destroyed in front of a witness."""
    now = now or timezone.now()
    with transaction.atomic():
        device, locked = _lock_drive(drive)
        if locked.status == Drive.Status.DESTROYED:
            raise DomainError(
                "drive_destroyed",
                _("Drive %(tag)s is already recorded as destroyed.") % {"tag": locked.tag},
                status=409,
            )
        destruction = Destruction(
            drive=locked,
            method=method,
            witness=(witness or "").strip(),
            operator=actor if getattr(actor, "is_authenticated", False) else None,
            workstation=workstation,
            destroyed_at=now,
            certificate_ref=certificate_ref,
        )
        validate(destruction)
        destruction.save()
        locked.status = drive_status_recompute(locked)
        locked.save(update_fields=["status"])
        event_append(
            device=device,
            code=DeviceEvent.Code.DESTRUCTION,
            actor=actor,
            workstation=workstation,
            payload={
                "drive": locked.tag,
                "serial": locked.serial_number,
                "method": method,
                "witness": destruction.witness,
            },
            now=now,
        )
    drive.status = locked.status
    return destruction
