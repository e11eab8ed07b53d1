"""Writes of a repair ticket: the diagnosis, the work done (minutes per worker), the outcome.

A ticket is opened by the move into ``in_repair`` (``refurb.repairs``); these services fill it
in while the device is in repair. Each one locks the device, then the ticket, checks the
ticket is open and the device still in repair, writes, and appends one ``repair`` event.
Parts fitted and removed are the inventory's services (``inventory.services.parts``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import DeviceEvent, Repair, RepairWork
from refurb.services.lifecycle import _lock, _sync, device_transition
from refurb.states import State
from workshop.access import access_check
from workshop.exceptions import DomainError, validate

MAX_MINUTES = 24 * 60


def repair_lock(repair: Repair, *, actor=None, workstation=None) -> tuple[object, Repair]:
    """Lock ``repair``'s device then the ticket; refuse one closed or of another site.

    The caller holds a transaction. Returns ``(locked device, locked ticket)``.
    """
    device = _lock(repair.device)
    access_check("repair", "work", site=device.site_id, actor=actor, workstation=workstation)
    ticket = Repair.objects.select_for_update().get(pk=repair.pk)
    if ticket.status != Repair.Status.OPEN or device.state != State.IN_REPAIR:
        raise DomainError(
            "repair_closed",
            _("The repair of %(tag)s is closed: the device is “%(state)s”. Nothing was recorded.")
            % {"tag": device.asset_tag, "state": device.get_state_display()},
            status=409,
        )
    return device, ticket


def repair_diagnose(
    *, repair: Repair, diagnosis: str, actor, workstation=None, now: datetime | None = None
) -> Repair:
    """Record (replace) the ticket's diagnosis: what is actually wrong."""
    diagnosis = (diagnosis or "").strip()
    if not diagnosis:
        raise DomainError(
            "invalid",
            _("Write the diagnosis: what is wrong with the device."),
            fields={"diagnosis": [_("This field is required.")]},
        )
    now = now or timezone.now()
    with transaction.atomic():
        device, ticket = repair_lock(repair, actor=actor, workstation=workstation)
        ticket.diagnosis = diagnosis[:4000]
        ticket.save(update_fields=["diagnosis"])
        event_append(
            device=device,
            code=DeviceEvent.Code.REPAIR,
            actor=actor,
            workstation=workstation,
            payload={"repair": ticket.pk, "diagnosis": ticket.diagnosis},
            now=now,
        )
    _sync(repair.device, device)
    repair.diagnosis = ticket.diagnosis
    return ticket


def repair_work_add(
    *,
    repair: Repair,
    action: str,
    minutes: int,
    actor,
    worker=None,
    workstation=None,
    now: datetime | None = None,
) -> RepairWork:
    """Record one action on the ticket and the minutes ``worker`` (the actor by default)
    spent on it."""
    action = (action or "").strip()
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = -1
    errors = {}
    if not action:
        errors["action"] = [_("Say what was done.")]
    if not 0 <= minutes <= MAX_MINUTES:
        errors["minutes"] = [_("A whole number of minutes between 0 and 1440.")]
    if errors:
        raise DomainError(
            "invalid",
            _("Say what was done and how many minutes it took (0 to 1440)."),
            fields=errors,
        )
    worker = worker or actor
    if not getattr(worker, "is_authenticated", False):
        worker = None
    now = now or timezone.now()
    with transaction.atomic():
        device, ticket = repair_lock(repair, actor=actor, workstation=workstation)
        work = RepairWork(
            repair=ticket, worker=worker, action=action[:300], minutes=minutes, created_at=now
        )
        validate(work)
        work.save()
        event_append(
            device=device,
            code=DeviceEvent.Code.REPAIR,
            actor=actor,
            workstation=workstation,
            payload={"repair": ticket.pk, "action": work.action, "minutes": minutes},
            now=now,
        )
    _sync(repair.device, device)
    return work


def repair_mark_repaired(
    *, repair: Repair, actor, workstation=None, now: datetime | None = None
) -> Repair:
    """Say the device is repaired: it goes back to the test bench's checklist (the ticket
    closes when the re-test passes and the device becomes ``tested``)."""
    now = now or timezone.now()
    with transaction.atomic():
        device, ticket = repair_lock(repair, actor=actor, workstation=workstation)
        if ticket.outcome == Repair.Outcome.REPAIRED:
            return ticket
        ticket.outcome = Repair.Outcome.REPAIRED
        ticket.save(update_fields=["outcome"])
        event_append(
            device=device,
            code=DeviceEvent.Code.REPAIR,
            actor=actor,
            workstation=workstation,
            payload={"repair": ticket.pk, "outcome": ticket.outcome},
            now=now,
        )
    _sync(repair.device, device)
    return ticket


def repair_recycle(
    *, repair: Repair, barrier: str, actor, workstation=None, now: datetime | None = None
) -> Repair:
    """Give the device up: record why it cannot be repaired and move it to ``recycled`` (which
    closes the ticket), in one transaction: a refused move keeps no barrier either."""
    with transaction.atomic():
        ticket = repair_set_barrier(
            repair=repair, barrier=barrier, actor=actor, workstation=workstation
        )
        device_transition(
            device=repair.device,
            to=State.RECYCLED,
            actor=actor,
            workstation=workstation,
            now=now,
        )
    ticket.refresh_from_db()
    return ticket


def repair_set_barrier(*, repair: Repair, barrier: str, actor, workstation=None) -> Repair:
    """Record why the device cannot be repaired (the Open Repair Data Standard's barrier)."""
    if barrier and barrier not in Repair.Barrier.values:
        raise DomainError(
            "invalid",
            _("Choose a reason from the list."),
            fields={"barrier": [_("Unknown reason.")]},
        )
    with transaction.atomic():
        _device, ticket = repair_lock(repair, actor=actor, workstation=workstation)
        ticket.barrier = barrier or ""
        ticket.save(update_fields=["barrier"])
    return ticket
