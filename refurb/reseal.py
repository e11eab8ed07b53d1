"""Seal every event chain again under a new chain key (``manage.py reseal_event_chains``).

A rotation of the chain key, run with the server stopped: every chain is first checked under
the old key (nothing changes if one is broken, so a forged history is never sealed again), then
every event gets a keyed seal (version 2) under the new key, unkeyed ones included (their
anchors go), every device its new head, and every certificate the new seal of the link it
quotes, with its digest. The signed heads stay as they were signed (they name the old chain
key: their signatures and order still verify); ``sign_chain_heads`` signs every head again.

The append-only trigger is switched off for this transaction only, as migration 0006 did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from refurb.certificates.content import content_digest
from refurb.chain import ChainReport, Keys, chains_verify
from refurb.events import event_seal
from refurb.models import Certificate, Device, DeviceEvent

PG_TRIGGER = "refurb_deviceevent_append_only"
SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS refurb_deviceevent_no_update
BEFORE UPDATE ON refurb_deviceevent
BEGIN
    SELECT RAISE(ABORT, 'device events are append-only: UPDATE refused on refurb_deviceevent');
END;
"""


@dataclass(frozen=True)
class ResealReport:
    checked: ChainReport
    devices: int = 0
    events: int = 0
    certificates: int = 0


def _trigger(cursor, on: bool) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        state = "ENABLE" if on else "DISABLE"
        cursor.execute(f"ALTER TABLE refurb_deviceevent {state} TRIGGER {PG_TRIGGER}")
    elif on:
        cursor.execute(SQLITE_TRIGGER)
    else:
        cursor.execute("DROP TRIGGER IF EXISTS refurb_deviceevent_no_update")


def chains_reseal(
    *,
    old_key: bytes,
    devices_per_batch: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> ResealReport:
    """Check every chain under ``old_key``, then seal it again under the settings' chain key."""
    new = Keys.current()
    if old_key == new.chain:
        raise ValueError("the old chain key is the current one: nothing to seal again")
    checked = chains_verify(keyring=Keys.current(old_key), progress=progress)
    if not checked.ok:
        return ResealReport(checked)
    certified: dict[str, set[int]] = {}
    for content in Certificate.objects.values_list("content", flat=True).iterator():
        for device in content.get("devices", []):
            if device.get("chain"):
                certified.setdefault(device["tag"], set()).add(device["chain"]["seq"])
    new_links: dict[tuple[str, int], str] = {}
    devices = events = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _trigger(cursor, on=False)
        last_id = 0
        while True:
            batch = dict(
                Device.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", "asset_tag")[:devices_per_batch]
            )
            if not batch:
                break
            last_id = max(batch)
            heads: dict[int, str] = {}
            rows = []
            for event in DeviceEvent.objects.filter(device_id__in=list(batch)).order_by(
                "device_id", "seq"
            ):
                tag = batch[event.device_id]
                head = event_seal(
                    event, asset_tag=tag, prev_hash=heads.get(event.device_id, ""), key=new.chain
                )
                heads[event.device_id] = head
                rows.append((event.prev_hash, event.hash, event.pk))
                if event.seq in certified.get(tag, ()):
                    new_links[(tag, event.seq)] = head
            cursor.executemany(
                "UPDATE refurb_deviceevent SET prev_hash = %s, hash = %s WHERE id = %s", rows
            )
            cursor.executemany(
                "UPDATE inventory_device SET event_head = %s WHERE id = %s",
                [(head, pk) for pk, head in heads.items()],
            )
            devices += len(batch)
            events += len(rows)
        # Every seal is keyed now: the anchors of the unkeyed first events have no object.
        cursor.execute("DELETE FROM refurb_chainanchor")
        certificates = 0
        for pk, content in Certificate.objects.values_list("pk", "content").iterator():
            changed = False
            for device in content.get("devices", []):
                link = device.get("chain")
                if link and (device["tag"], link["seq"]) in new_links:
                    link["head"] = new_links[(device["tag"], link["seq"])]
                    changed = True
            if changed:
                Certificate.objects.filter(pk=pk).update(
                    content=content, content_sha256=content_digest(content)
                )
                certificates += 1
        _trigger(cursor, on=True)
    return ResealReport(checked, devices, events, certificates)
