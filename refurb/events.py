"""The one helper that writes a device's history.

Every change to a device appends exactly one ``DeviceEvent`` through ``event_append``, inside
the caller's transaction and while the caller holds the device's row lock. Events carry a
stable ``code`` and a JSON ``payload`` of what changed; labels are translated when shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from refurb.models import DeviceEvent


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
) -> DeviceEvent:
    """Append one event to ``device`` and save the device's changed ``device_fields`` with it.

    The caller must hold ``device`` locked (``select_for_update``) in an atomic block.
    """
    now = now or timezone.now()
    device.event_seq += 1
    device.save(update_fields=["event_seq", "updated_at", *device_fields])
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = DeviceEvent(
        device=device,
        seq=device.event_seq,
        code=code,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        workstation=workstation,
        reason=reason,
        payload=payload or {},
        created_at=now,
    )
    event.save()
    return event
