"""Writes that take a device in: its registration with an asset tag, and its storage check."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import Category, Device, DeviceEvent
from refurb.services.lifecycle import _lock, _sync
from refurb.states import State
from workshop import tags
from workshop.exceptions import DomainError, validate
from workshop.models import Site
from workshop.services import tag_allocate


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


def device_register(
    *,
    site: Site,
    category: Category,
    actor,
    collection=None,
    make: str = "",
    model: str = "",
    serial_number: str = "",
    weight_kg: Decimal | str | None = None,
    location=None,
    specs: dict | None = None,
    workstation=None,
    now: datetime | None = None,
) -> Device:
    """Take a device in: give it an asset tag, put it in ``received`` and log the first event."""
    from refurb.events import event_append
    from refurb.models import DeviceEvent

    now = now or timezone.now()
    if collection is not None and collection.site_id != site.pk:
        raise DomainError(
            "wrong_site",
            _("This collection was received at another site: pick a collection of this site."),
            fields={"collection": [_("Another site's collection.")]},
        )
    if location is not None and location.site_id != site.pk:
        raise DomainError(
            "wrong_site",
            _("This location is at another site: pick a location of this site."),
            fields={"location": [_("Another site's location.")]},
        )
    with transaction.atomic():
        device = Device(
            site=site,
            category=category,
            collection=collection,
            make=(make or "").strip(),
            model=(model or "").strip(),
            serial_number=(serial_number or "").strip(),
            weight_kg=weight_kg if weight_kg not in ("",) else None,
            location=location,
            specs=specs or {},
            state=State.RECEIVED,
            received_at=now,
            state_changed_at=now,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            asset_tag="pending",
        )
        validate(device)
        device.asset_tag = tag_allocate(site=site, kind=tags.DEVICE)
        device.save()
        event_append(
            device=device,
            code=DeviceEvent.Code.REGISTERED,
            actor=actor,
            workstation=workstation,
            to_state=State.RECEIVED,
            payload={
                "category": category.code,
                "collection": collection.tag if collection else None,
                "make": device.make,
                "model": device.model,
                "serial": device.serial_number,
                "weight_kg": str(device.weight_kg) if device.weight_kg is not None else None,
            },
            now=now,
        )
    return device
