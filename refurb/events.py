"""The one helper that writes a device's history, and the keyed chain that makes it tamper-evident.

Every change to a device appends exactly one ``DeviceEvent`` through ``event_append``, inside
the caller's transaction and while the caller holds the device's row lock. Events carry a
stable ``code`` and a JSON ``payload`` of what changed; labels are translated when shown.

Each device's events form a chain: an event's ``hash`` (its seal) covers a canonical JSON of
its content and of the previous event's seal (``prev_hash``; empty for the first event).
The device caches the chain head in ``Device.event_head``, so appending costs no extra query.
``event_append_many`` appends many events (to many devices) in a constant number of queries.
Changing, removing or reordering a stored event breaks the chain, which
``manage.py verify_event_chains`` finds. ``canonical_event`` and ``event_hash`` are pure
functions (given the key) so that code writing events in bulk (``bulk_create``, a benchmark
seeder) computes the very same chain; ``event_seal`` fills an unsaved event in place.

Chain format — never change what is sealed without a new version:

- version 2 (every event written now): the seal is the hex HMAC-SHA256, under the chain key
  (``refurb.keys.chain_key``, kept outside the database), of the canonical JSON with ``"v": 2``
  and ``"actor_kind"`` (who made the change: ``person``; ``agent``, a workstation token with no
  badge, the agent of that bench; or ``system``, a scheduled job). Without the key, an edited
  event cannot be sealed again; setting, clearing or changing ``actor_kind`` breaks the seal.
- version 1 (events written before the key existed): the plain SHA-256 of the canonical JSON
  with ``"v": 1`` and no ``actor_kind``. Such events stay as they were; the migration that
  introduced the key sealed each device's version-1 prefix with an anchor under the key
  (``ChainAnchor``), so they still verify and cannot be sealed again either (``refurb.chain``).

The canonical JSON: ``{"v", "device": asset tag, "seq", "code", "from", "to", "actor": user id
or null, "workstation": id or null, "reason", "payload", "created_at": ISO 8601 in UTC with
microseconds, "prev": previous seal}`` (plus ``"actor_kind"`` when set) serialised with sorted
keys, no spaces, UTF-8.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from refurb.keys import chain_mac
from refurb.models import Device, DeviceEvent
from workshop.access import site_check
from workshop.faults import fault_point
from workshop.models import WorkstationKind

CHAIN_VERSION = 2  # keyed (HMAC-SHA256) with actor_kind; 1 is the unkeyed SHA-256 of the first
UNKEYED_VERSION = 1


def _normalise(value):
    """Return ``value`` as it reads back from any JSON column (jsonb turns ``1e16`` into 1e16)."""
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _utc_iso(moment: datetime) -> str:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_event(
    *,
    asset_tag: str,
    seq: int,
    code: str,
    from_state: str = "",
    to_state: str = "",
    actor_id: int | None = None,
    workstation_id: int | None = None,
    reason: str = "",
    payload: dict | None = None,
    created_at: datetime,
    prev_hash: str = "",
    actor_kind: str = "",
    version: int = CHAIN_VERSION,
) -> bytes:
    """Return the exact bytes sealed for one event (chain format ``version``)."""
    document = {
        "v": version,
        "device": asset_tag,
        "seq": int(seq),
        "code": code,
        "from": from_state or "",
        "to": to_state or "",
        "actor": actor_id,
        "workstation": workstation_id,
        "reason": reason or "",
        "payload": _normalise(payload or {}),
        "created_at": _utc_iso(created_at),
        "prev": prev_hash or "",
    }
    if actor_kind:
        document["actor_kind"] = actor_kind
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def event_hash(*, version: int = CHAIN_VERSION, key: bytes | None = None, **fields) -> str:
    """Return the seal of ``canonical_event(**fields)``: keyed (version 2) or not (version 1).

    ``key`` defaults to the chain key of the settings (``refurb.keys.chain_key``).
    """
    data = canonical_event(version=version, **fields)
    if version == UNKEYED_VERSION:
        return hashlib.sha256(data).hexdigest()
    if version != CHAIN_VERSION:
        raise ValueError(f"unknown chain version {version}")
    return chain_mac(data, key)


def event_seal(
    event: DeviceEvent,
    *,
    asset_tag: str,
    prev_hash: str,
    key: bytes | None = None,
    version: int = CHAIN_VERSION,
) -> str:
    """Set ``prev_hash`` and ``hash`` on an unsaved ``event`` and return its hash.

    For writers that build events themselves (``bulk_create``): seal each device's events in
    ``seq`` order, passing the previous hash, then store the last one in ``Device.event_head``.
    """
    event.prev_hash = prev_hash or ""
    event.hash = event_hash(
        asset_tag=asset_tag,
        seq=event.seq,
        code=event.code,
        from_state=event.from_state,
        to_state=event.to_state,
        actor_id=event.actor_id,
        workstation_id=event.workstation_id,
        reason=event.reason,
        payload=event.payload,
        created_at=event.created_at,
        prev_hash=event.prev_hash,
        # Historical models (the migration that sealed the first chains) have no actor_kind.
        actor_kind=getattr(event, "actor_kind", ""),
        key=key,
        version=version,
    )
    return event.hash


# The payload fields each event code may carry, and their JSON types. A code listed here is
# validated before it is hashed (``event_payload_check``); the layers above add the fields of
# their own moves (``event_fields_register``, from their ``hooks``).
SCALARS = (str, int, bool, type(None))
EVENT_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "transition": {
        "grade": (str,),
        "cycle": (int,),
        "drive": (str,),
        "write_off": (int,),
        "repair": (int,),
    },
    # A coach's or manager's sign-off of a "no storage" declaration: whose declaration (the
    # name shown in the history) and which event of the chain it signs off.
    "no_storage_signed_off": {"declared_by": (str,), "declaration_seq": (int,)},
    "no_storage_refused": {"declared_by": (str,), "declaration_seq": (int,)},
    # A system installed (refurb.services.system_install): the record, the image's code and
    # label, the first boot check, the test cycle and, for a proprietary image, the licence
    # as everyone may see it (masked: the key itself never enters the history).
    "system_installed": {
        "installation": (int,),
        "image": (str,),
        "system": (str,),
        "first_boot_passed": (bool,),
        "cycle": (int,),
        "licence": (str,),
        # A failed first boot uses no licence: the key it named stays in stock (masked).
        "licence_released": (str,),
    },
    # A photo added at the grading bench or removed there (refurb.services.photos).
    "photo_added": {"photo": (int,), "position": (int,)},
    "photo_removed": {"photo": (int,), "position": (int,)},
}


def event_fields_register(code: str, **fields: tuple[type, ...]) -> None:
    """Declare payload fields (name → accepted types) for events of ``code``."""
    EVENT_FIELDS.setdefault(code, {}).update(fields)


def event_payload_check(code: str, payload: dict) -> None:
    """Raise ``ValueError`` if ``payload`` has a field, or a type, ``code`` does not declare.

    A programming error, not bad input: client input is checked earlier (``Move.inputs``).
    """
    declared = EVENT_FIELDS.get(code)
    if declared is None:
        return
    for name, value in payload.items():
        types = declared.get(name)
        if types is None:
            raise ValueError(f"event {code!r}: undeclared payload field {name!r}")
        if not isinstance(value, types):
            raise ValueError(f"event {code!r}: field {name!r} is a {type(value).__name__}")


def event_actor_kind(actor, workstation) -> str:
    """Who an event is made by: ``person`` with an actor; without one, ``agent`` at a bench
    workstation (only its token acts there with no person) or ``system`` elsewhere (the
    office's scheduled jobs, a command)."""
    if actor is not None:
        return DeviceEvent.ActorKind.PERSON
    if workstation is not None and workstation.kind != WorkstationKind.OFFICE:
        return DeviceEvent.ActorKind.AGENT
    return DeviceEvent.ActorKind.SYSTEM


# Functions called with the events just appended (each with its ``device``, as the writer holds
# it: its state after the event), inside the writer's transaction (a higher layer keeps derived
# rows in step: the shop's catalogue). They must not query: they decide from the events what
# concerns them (a move's ``from_state`` and ``to_state``, the device's ``state``) and schedule
# their work with ``transaction.on_commit``.
EVENT_LISTENERS: list[Callable[[Sequence[DeviceEvent]], None]] = []


def event_listener_register(listener: Callable[[Sequence[DeviceEvent]], None]) -> None:
    """Call ``listener(events)`` after every ``event_append`` and ``event_append_many``."""
    if listener not in EVENT_LISTENERS:
        EVENT_LISTENERS.append(listener)


def _notify(events: Sequence[DeviceEvent]) -> None:
    for listener in EVENT_LISTENERS:
        listener(events)


def event_append(
    *,
    device,
    code: str,
    actor=None,
    workstation=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    payload: dict | None = None,
    now: datetime | None = None,
    device_fields: Iterable[str] = (),
    actor_kind: str = "",
) -> DeviceEvent:
    """Append one event to ``device`` and save the device's changed ``device_fields`` with it.

    The caller must hold ``device`` locked (``select_for_update``) in an atomic block: the
    chain head cached on the locked row is the previous event's hash.

    The event always says who made it (``actor_kind``, hashed): a person when there is an
    ``actor``; with none, the agent of the bench workstation (a workstation token without a
    badge) or, at a site's office or from nowhere, the system (``event_actor_kind``).
    """
    now = now or timezone.now()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    actor_kind = actor_kind or event_actor_kind(actor, workstation)
    # Every change to a device goes through here: none is made from another site's bench, by a
    # token of another site or by a person of another site (workshop/access.py).
    site_check(device.site_id, actor=actor, workstation=workstation)
    event_payload_check(code, payload or {})
    event = DeviceEvent(
        device=device,
        seq=device.event_seq + 1,
        code=code,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_kind=actor_kind,
        workstation=workstation,
        reason=reason,
        payload=payload or {},
        created_at=now,
    )
    event_seal(event, asset_tag=device.asset_tag, prev_hash=device.event_head)
    device.event_seq = event.seq
    device.event_head = event.hash
    device.save(update_fields=["event_seq", "event_head", "updated_at", *device_fields])
    fault_point("event_append")
    event.save()
    _notify([event])
    return event


@dataclass(frozen=True)
class NewEvent:
    """One event for ``event_append_many``: what ``event_append`` takes, device included."""

    device: Device
    code: str
    from_state: str = ""
    to_state: str = ""
    reason: str = ""
    payload: dict = field(default_factory=dict)


def event_append_many(
    events: Sequence[NewEvent],
    *,
    actor=None,
    workstation=None,
    now: datetime | None = None,
    device_values: dict | None = None,
) -> list[DeviceEvent]:
    """Append ``events`` (any number per device, in the given order) in two queries.

    The same contract as ``event_append``: the caller holds every device locked
    (``select_for_update``) in an atomic block. Each device's events are sealed in order from
    the chain head cached on its locked row; all of them are inserted with one ``INSERT``
    (SQLite splits it at its 999-variable limit), then one ``UPDATE`` sets every device's
    ``event_seq`` and ``event_head`` from its last stored event. The device objects passed in
    are updated in place, as ``event_append`` does. ``device_values`` (field → value, the same
    for every device) are saved in the same update; other device changes are the caller's.
    """
    if not events:
        return []
    now = now or timezone.now()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    for site_id in sorted({new.device.site_id for new in events}):
        site_check(site_id, actor=actor, workstation=workstation)
    actor_kind = event_actor_kind(actor, workstation)
    rows: list[DeviceEvent] = []
    devices: dict[int, Device] = {}
    for new in events:
        device = devices.setdefault(new.device.pk, new.device)
        payload = new.payload or {}
        event_payload_check(new.code, payload)
        event = DeviceEvent(
            device=device,
            seq=device.event_seq + 1,
            code=new.code,
            from_state=new.from_state,
            to_state=new.to_state,
            actor=actor,
            actor_kind=actor_kind,
            workstation=workstation,
            reason=new.reason,
            payload=payload,
            created_at=now,
        )
        event_seal(event, asset_tag=device.asset_tag, prev_hash=device.event_head)
        device.event_seq = event.seq
        device.event_head = event.hash
        rows.append(event)
    DeviceEvent.objects.bulk_create(rows)
    fault_point("event_append")
    # The chain head each device now has is its last stored event: read it back in the same
    # statement rather than sending one value per device.
    last = DeviceEvent.objects.filter(device_id=OuterRef("pk")).order_by("-seq")
    updated_at = timezone.now()  # what ``auto_now`` would write
    Device.objects.filter(pk__in=list(devices)).update(
        event_seq=Subquery(last.values("seq")[:1]),
        event_head=Subquery(last.values("hash")[:1]),
        updated_at=updated_at,
        **(device_values or {}),
    )
    for device in devices.values():
        device.updated_at = updated_at
        for name, value in (device_values or {}).items():
            setattr(device, name, value)
    _notify(rows)
    return rows
