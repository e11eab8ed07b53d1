"""The one code that changes a device's state: ``device_transition`` applies the table.

Every function of ``refurb.services`` runs in one transaction, locks the device row first,
validates, writes, and appends exactly one event per change through
``refurb.events.event_append``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import (
    Device,
    DeviceEvent,
)
from refurb.proofs import Proof
from refurb.states import TEST_CYCLE_STATES
from refurb.stays import stay_record
from refurb.transitions import (
    MoveContext,
    check_inputs,
    check_permission,
    check_service,
    find_move,
    parse_state,
)
from workshop.access import site_check
from workshop.exceptions import DomainError
from workshop.roles import user_roles


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
        "no_storage_signed_off",
        "test_cycle",
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
    proof: Proof | None = None,
    inputs: dict | None = None,
) -> DeviceEvent:
    """Move ``device`` to state ``to`` if the table allows it; append one ``transition`` event.

    ``roles`` overrides the actor's roles (a workstation token acts with its kind's roles).
    A service-only move (``Move.service``) needs ``proof``, issued by its owning service in this
    transaction (``refurb.proofs``); without it the move is refused with ``service_only``.
    ``inputs`` is what a client sent (API, screens): only the move's declared fields
    (``Move.inputs``) are accepted, anything else is a 400. ``payload`` is the calling
    service's own record, trusted and stored in the event.
    Raises ``DomainError`` and changes nothing when the move is unknown, forbidden or guarded.
    """
    target = parse_state(to)
    now = now or timezone.now()
    reason = (reason or "").strip()
    payload = dict(payload or {})
    inputs = dict(inputs or {})
    with transaction.atomic():
        locked = _lock(device)
        site_check(locked.site_id, actor=actor, workstation=workstation)
        move = find_move(locked.state, target)
        ctx = MoveContext(
            actor=actor,
            workstation=workstation,
            target=target,
            reason=reason,
            payload=payload,
            now=now,
        )
        check_service(move, locked, proof, ctx)
        check_inputs(move, inputs)
        payload.update(inputs)
        check_permission(
            move, roles=user_roles(actor) if roles is None else roles, workstation=workstation
        )
        if move.needs_reason and not reason:
            raise DomainError(
                "reason_required",
                _("Say why in a few words: this move needs a reason."),
                fields={"reason": [_("This field is required.")]},
            )
        fields = ["state", "state_changed_at"]
        for effect in move.effects:
            fields.extend(effect(locked, ctx))
        for guard in move.guards:
            guard(locked, ctx)
        source, stay_started = locked.state, locked.state_changed_at
        locked.state = target
        locked.state_changed_at = now
        if target in TEST_CYCLE_STATES:
            locked.test_cycle += 1
            fields.append("test_cycle")
            payload["cycle"] = locked.test_cycle
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
