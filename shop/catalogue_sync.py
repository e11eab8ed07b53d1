"""Refresh the catalogue after the commit of every transaction that changed a device.

``refurb.events`` calls ``devices_changed`` with the events just appended; the ids of the
devices they concern wait in this thread's set and one ``on_commit`` callback per transaction
refreshes them (``shop.services.catalogue``). A rolled-back transaction's ids are refreshed by
the next commit, which is harmless: a refresh recomputes from the rows as they are.

Only a device on sale has catalogue rows (``catalogue._listable``), so an event concerns the
catalogue only when its device is on sale after it or was before it: a move from or to
``on_sale``, or any other event (a photo, a price, a correction, a kit) of a device on sale.
That is decided from the event as written, without a query: a move into repair, a test result
or a drive of a device never listed schedules nothing and costs nothing after the commit.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from django.db import transaction

from refurb.states import State

_pending = threading.local()


def _ids() -> set[int]:
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    return _pending.ids


def _flush() -> None:
    from shop.services.catalogue import catalogue_refresh_safely

    ids = _ids()
    if not ids:
        return
    todo = sorted(ids)
    ids.clear()
    catalogue_refresh_safely(todo)


def concerns_catalogue(event) -> bool:
    """Whether ``event`` may change the catalogue: its device is on sale after it or was
    before it (the device as the writer holds it: its state after the event).

    A batch writer (labels printed, a stocktake) may append events whose device is not loaded,
    or loaded without its state: reading it would cost a query per event, so such an event is
    taken as concerning the catalogue and the one refresh after the commit decides."""
    if State.ON_SALE in (event.from_state, event.to_state):
        return True
    if not type(event).device.is_cached(event) or "state" in event.device.get_deferred_fields():
        return True
    return event.device.state == State.ON_SALE


def devices_changed(events: Sequence) -> None:
    ids = {event.device_id for event in events if concerns_catalogue(event)}
    if not ids:
        return
    _ids().update(ids)
    # One callback per event: the first to run refreshes every pending id, the others find
    # nothing left to do.
    transaction.on_commit(_flush)
