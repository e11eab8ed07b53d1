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
    WriteOff,
)
from refurb.proofs import Proof, proof_issue, proof_verifier_register
from refurb.states import TEST_CYCLE_STATES, State
from refurb.stays import stay_record
from refurb.transitions import (
    Move,
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


# What a client's answer shows of a device (``inventory.api.serializers.DeviceSerializer``):
# a device locked by its tag is read with them, in the same query as the lock.
ANSWER_RELATIONS = ("site", "category", "grade", "collection", "location")


def _lock_by_tag(asset_tag: str) -> Device:
    """Lock the device whose asset tag is ``asset_tag`` and read what its answer shows, in one
    query; raise a 404 ``DomainError`` when no device has that tag."""
    locked = (
        Device.objects.select_for_update(of=("self",))
        .select_related(*ANSWER_RELATIONS)
        .filter(asset_tag=asset_tag)
        .first()
    )
    if locked is None:
        raise DomainError(
            "not_found",
            _("No device has the tag “%(key)s”.") % {"key": asset_tag},
            status=404,
        )
    return locked


def _sync(target: Device | None, source: Device) -> None:
    if target is None or target is source:
        return
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
    device: Device | None = None,
    asset_tag: str | None = None,
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
    A client that knows only the tag passes ``asset_tag`` instead of ``device``: the device is
    then read, locked and joined to what its answer shows in one query (``event.device``).
    Raises ``DomainError`` and changes nothing when the move is unknown, forbidden or guarded.
    """
    target = parse_state(to)
    now = now or timezone.now()
    reason = (reason or "").strip()
    payload = dict(payload or {})
    inputs = dict(inputs or {})
    with transaction.atomic():
        locked = _lock(device) if asset_tag is None else _lock_by_tag(asset_tag)
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


def device_write_off(
    *,
    device: Device,
    actor,
    workstation=None,
    reason: str,
    occasion: str = "",
    payload: dict | None = None,
    now: datetime | None = None,
    roles: frozenset[str] | None = None,
) -> DeviceEvent:
    """Write ``device`` off (lost, stolen…): a manager's decision, with a reason.

    Writes the ``WriteOff`` row and, in the same transaction, the ``written_off`` move it
    proves (a service-only move: ``device_transition`` refuses it without this proof). A
    stocktake names itself as the ``occasion`` and its id in ``payload``.
    """
    reason = (reason or "").strip()
    roles = user_roles(actor) if roles is None else roles
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(device)
        site_check(locked.site_id, actor=actor, workstation=workstation)
        # The table's own checks, before the row is written: a manager, at a stock bench or
        # the office, with a reason.
        check_permission(
            find_move(locked.state, State.WRITTEN_OFF), roles=roles, workstation=workstation
        )
        if not reason:
            raise DomainError(
                "reason_required",
                _("Say why in a few words: this move needs a reason."),
                fields={"reason": [_("This field is required.")]},
            )
        write_off = WriteOff.objects.create(
            device=locked,
            from_state=locked.state,
            reason=reason,
            occasion=occasion[:80],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            workstation=workstation,
            created_at=now,
        )
        event = device_transition(
            device=locked,
            to=State.WRITTEN_OFF,
            actor=actor,
            workstation=workstation,
            reason=reason,
            payload={**(payload or {}), "write_off": write_off.pk},
            now=now,
            roles=roles,
            proof=proof_issue("write_off", write_off),
        )
    _sync(device, locked)
    return event


def write_off_proves(device, write_off, ctx) -> None:
    """A ``written_off`` move needs the write-off row just written for this device, from the
    state it is in."""
    if (
        not isinstance(write_off, WriteOff)
        or write_off.device_id != device.pk
        or write_off.from_state != device.state
        or not WriteOff.objects.filter(pk=write_off.pk).exists()
    ):
        raise DomainError(
            "write_off_required",
            _("A device is written off by a manager, with a reason: use the write-off."),
            status=409,
        )


proof_verifier_register("write_off", write_off_proves)


# A write-off takes no input field (the same for every held state it is made from).
WRITE_OFF_ASKED = Move(State.ON_SALE, State.WRITTEN_OFF, frozenset())


def device_move_ask(
    *,
    device: Device | None = None,
    asset_tag: str | None = None,
    to: str,
    actor,
    workstation=None,
    reason: str = "",
    inputs: dict | None = None,
    roles: frozenset[str] | None = None,
    now: datetime | None = None,
) -> DeviceEvent:
    """What a client's request for a move calls (the API, the device card): a write-off goes
    through ``device_write_off`` (it takes no input fields), every other move through
    ``device_transition``, which refuses the moves only a service makes. ``asset_tag``
    instead of ``device``: see ``device_transition``."""
    if parse_state(to) == State.WRITTEN_OFF:
        check_inputs(WRITE_OFF_ASKED, dict(inputs or {}))
        if device is None:
            device = Device.objects.filter(asset_tag=asset_tag).first()
            if device is None:
                _lock_by_tag(asset_tag)  # the 404
        return device_write_off(
            device=device,
            actor=actor,
            workstation=workstation,
            reason=reason,
            roles=roles,
            now=now,
        )
    return device_transition(
        device=device,
        asset_tag=asset_tag if device is None else None,
        to=to,
        actor=actor,
        workstation=workstation,
        reason=reason,
        inputs=inputs,
        roles=roles,
        now=now,
    )
