"""Refresh the catalogue after the commit of every transaction that changed a device.

``refurb.events`` calls ``devices_changed`` with the ids of the devices an event was appended
to; the ids wait in this thread's set and one ``on_commit`` callback per transaction refreshes
them (``shop.services.catalogue``). A rolled-back transaction's ids are refreshed by the next
commit, which is harmless: a refresh recomputes from the rows as they are.
"""

from __future__ import annotations

import threading

from django.db import transaction

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


def devices_changed(device_ids: list[int]) -> None:
    _ids().update(device_ids)
    # One callback per event: the first to run refreshes every pending id, the others find
    # nothing left to do.
    transaction.on_commit(_flush)
