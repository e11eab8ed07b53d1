"""Writes of the bench process: transitions, drives, erasures, destructions, tests, repairs.

Every function here runs in one transaction, locks the device row first, validates, writes,
and appends exactly one event per change through ``refurb.events.event_append``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import (
    ChecklistItem,
    Destruction,
    Device,
    DeviceEvent,
    Drive,
    Erasure,
    NistMethod,
    Repair,
    TestResult,
)
from refurb.states import State
from refurb.stays import stay_record
from refurb.transitions import MoveContext, check_permission, find_move, parse_state
from workshop.exceptions import DomainError, validate
from workshop.roles import user_roles
from workshop.services import tag_allocate
from workshop.tags import DRIVE


def _lock(device: Device) -> Device:
    return (
        Device.objects.select_for_update(of=("self",))
        .select_related("category", "grade")
        .get(pk=device.pk)
    )


def _sync(target: Device, source: Device) -> None:
    for name in (
        "state",
        "state_changed_at",
        "grade_id",
        "event_seq",
        "event_head",
        "updated_at",
        "no_storage_confirmed",
    ):
        setattr(target, name, getattr(source, name))
    if Device.grade.is_cached(source):
        target.grade = source.grade


def device_transition(
    *,
    device: Device,
    to: str,
    actor,
    workstation=None,
    reason: str = "",
    payload: dict | None = None,
    now: datetime | None = None,
    roles: frozenset[str] | None = None,
) -> DeviceEvent:
    """Move ``device`` to state ``to`` if the table allows it; append one ``transition`` event.

    ``roles`` overrides the actor's roles (a workstation token acts with its kind's roles).
    Raises ``DomainError`` and changes nothing when the move is unknown, forbidden or guarded.
    """
    target = parse_state(to)
    now = now or timezone.now()
    reason = (reason or "").strip()
    payload = dict(payload or {})
    with transaction.atomic():
        locked = _lock(device)
        move = find_move(locked.state, target)
        check_permission(
            move, roles=user_roles(actor) if roles is None else roles, workstation=workstation
        )
        if move.needs_reason and not reason:
            raise DomainError(
                "reason_required",
                _("Say why in a few words: this move needs a reason."),
                fields={"reason": [_("This field is required.")]},
            )
        ctx = MoveContext(
            actor=actor,
            workstation=workstation,
            target=target,
            reason=reason,
            payload=payload,
            now=now,
        )
        fields = ["state", "state_changed_at"]
        for effect in move.effects:
            fields.extend(effect(locked, ctx))
        for guard in move.guards:
            guard(locked, ctx)
        source, stay_started = locked.state, locked.state_changed_at
        locked.state = target
        locked.state_changed_at = now
        if locked.grade_id:
            payload["grade"] = locked.grade.code
        event = event_append(
            device=locked,
            code=DeviceEvent.Code.TRANSITION,
            actor=actor,
            workstation=workstation,
            from_state=source,
            to_state=target,
            reason=reason,
            payload=payload,
            now=now,
            device_fields=fields,
        )
        if stay_started is not None:
            stay_record(locked, state=source, started=stay_started, ended=now)
    _sync(device, locked)
    return event


def device_confirm_no_storage(*, device: Device, actor, workstation=None, now=None) -> DeviceEvent:
    """Record that a worker checked the device and found no drive in it."""
    with transaction.atomic():
        locked = _lock(device)
        if locked.drives.exists():
            raise DomainError(
                "has_drives",
                _("Drives are recorded for this device: erase or destroy them instead."),
                status=409,
            )
        locked.no_storage_confirmed = True
        event = event_append(
            device=locked,
            code=DeviceEvent.Code.UPDATED,
            actor=actor,
            workstation=workstation,
            payload={"no_storage_confirmed": True},
            now=now,
            device_fields=["no_storage_confirmed"],
        )
    _sync(device, locked)
    return event


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
    """Record a drive found in ``device``, with its own printable tag and SMART health."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(device)
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
        locked.no_storage_confirmed = False
        event_append(
            device=locked,
            code=DeviceEvent.Code.DRIVE_ADDED,
            actor=actor,
            workstation=workstation,
            payload={
                "drive": drive.tag,
                "serial": drive.serial_number,
                "kind": drive.kind,
                "failing": drive.failing,
            },
            now=now,
            device_fields=["no_storage_confirmed"],
        )
    _sync(device, locked)
    return drive


def _lock_drive(drive: Drive) -> tuple[Device, Drive]:
    device = _lock(drive.device)
    locked = Drive.objects.select_for_update().get(pk=drive.pk)
    return device, locked


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
    """Record an erasure run: a verified success marks the drive erased, else destroy it."""
    now = now or timezone.now()
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
            locked.status = Drive.Status.ERASED
        elif locked.status != Drive.Status.ERASED:
            locked.status = Drive.Status.FAILED
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
        locked.status = Drive.Status.DESTROYED
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


def test_record_result(
    *,
    device: Device,
    item: ChecklistItem,
    passed: bool,
    actor,
    note: str = "",
    workstation=None,
    now: datetime | None = None,
) -> TestResult:
    """Record the outcome of one checklist item; the latest result of an item counts."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(device)
        if item.category_id != locked.category_id:
            raise DomainError(
                "wrong_checklist",
                _("This check belongs to another category's checklist."),
                fields={"item": [_("Not in this device's checklist.")]},
            )
        result = TestResult(
            device=locked,
            item=item,
            passed=passed,
            note=(note or "").strip(),
            operator=actor if getattr(actor, "is_authenticated", False) else None,
            workstation=workstation,
            created_at=now,
        )
        validate(result)
        result.save()
        event_append(
            device=locked,
            code=DeviceEvent.Code.TEST,
            actor=actor,
            workstation=workstation,
            payload={"item": item.code, "passed": passed, "note": result.note},
            now=now,
        )
    _sync(device, locked)
    return result


test_record_result.__test__ = False  # not a pytest test


def repair_open(*, device: Device, fault: str, actor, workstation=None, now=None) -> Repair:
    """Open a repair record for a faulty device."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(device)
        repair = Repair(
            device=locked,
            fault=(fault or "").strip(),
            opened_at=now,
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        validate(repair)
        repair.save()
        event_append(
            device=locked,
            code=DeviceEvent.Code.REPAIR,
            actor=actor,
            workstation=workstation,
            payload={"repair": repair.pk, "status": repair.status, "fault": repair.fault},
            now=now,
        )
    _sync(device, locked)
    return repair


def repair_close(
    *,
    repair: Repair,
    status: str,
    actor,
    work_done: str = "",
    parts_used: str = "",
    workstation=None,
    now=None,
) -> Repair:
    """Close a repair as done or abandoned, saying what was done."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(repair.device)
        repair = Repair.objects.select_for_update().get(pk=repair.pk)
        if repair.status != Repair.Status.OPEN:
            raise DomainError("repair_closed", _("This repair is already closed."), status=409)
        if status not in (Repair.Status.DONE, Repair.Status.ABANDONED):
            raise DomainError(
                "invalid",
                _("Close a repair as done or abandoned."),
                fields={"status": [_("Choose done or abandoned.")]},
            )
        repair.status = status
        repair.work_done = work_done
        repair.parts_used = parts_used
        repair.closed_at = now
        validate(repair)
        repair.save()
        event_append(
            device=locked,
            code=DeviceEvent.Code.REPAIR,
            actor=actor,
            workstation=workstation,
            payload={
                "repair": repair.pk,
                "status": status,
                "work_done": work_done,
                "parts_used": parts_used,
            },
            now=now,
        )
    return repair


__all__ = [
    "device_transition",
    "device_confirm_no_storage",
    "drive_add",
    "drive_record_erasure",
    "drive_record_destruction",
    "test_record_result",
    "repair_open",
    "repair_close",
    "State",
]
