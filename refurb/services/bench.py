"""Writes of the test bench and the repair bench: checklist results and repairs."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import (
    ChecklistItem,
    Device,
    DeviceEvent,
    Repair,
    TestResult,
)
from refurb.services.lifecycle import _lock, _sync
from workshop.exceptions import DomainError, validate


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
    """Record the outcome of one checklist item in the device's current test cycle; the
    latest result of an item in that cycle counts."""
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
            cycle=locked.test_cycle,
        )
        validate(result)
        result.save()
        event_append(
            device=locked,
            code=DeviceEvent.Code.TEST,
            actor=actor,
            workstation=workstation,
            payload={
                "item": item.code,
                "passed": passed,
                "note": result.note,
                "cycle": result.cycle,
            },
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
