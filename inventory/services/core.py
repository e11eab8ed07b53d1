"""Writes about what the workshop holds: tags, collections, locations, device intake and moves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Collection, Donor, Location
from refurb.models import Category, Device
from refurb.states import State
from workshop import tags
from workshop.exceptions import DomainError, validate
from workshop.models import Site
from workshop.services import tag_allocate


def donor_create(
    *, kind: str, name: str, siret: str = "", contact_email: str = "", address: str = ""
) -> Donor:
    """Create a donor after validating its SIRET and kind."""
    donor = Donor(
        kind=kind,
        name=(name or "").strip(),
        siret=(siret or "").replace(" ", ""),
        contact_email=contact_email,
        address=address,
    )
    validate(donor)
    donor.save()
    return donor


def collection_create(
    *,
    donor: Donor,
    site: Site,
    received_on: date | None = None,
    declared_count: int = 0,
    gross_weight_kg: Decimal | str | int = 0,
    notes: str = "",
) -> Collection:
    """Open a collection (a lot from one donor) with its weight and printable tag."""
    with transaction.atomic():
        collection = Collection(
            donor=donor,
            site=site,
            received_on=received_on or timezone.localdate(),
            declared_count=declared_count,
            gross_weight_kg=gross_weight_kg,
            notes=notes,
            tag="pending",
        )
        validate(collection)
        collection.tag = tag_allocate(site=site, kind=tags.COLLECTION)
        collection.save()
    return collection


def location_create(*, site: Site, name: str, kind: str = Location.Kind.SHELF) -> Location:
    """Create a location with its printable tag."""
    with transaction.atomic():
        location = Location(site=site, name=(name or "").strip(), kind=kind, tag="pending")
        validate(location)
        location.tag = tag_allocate(site=site, kind=tags.LOCATION)
        location.save()
    return location


def device_register(
    *,
    site: Site,
    category: Category,
    actor,
    collection: Collection | None = None,
    make: str = "",
    model: str = "",
    serial_number: str = "",
    weight_kg: Decimal | str | None = None,
    location: Location | None = None,
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


def device_move(*, device: Device, location: Location, actor, workstation=None, now=None):
    """Put a device at a location and log where it was and where it went."""
    from refurb.events import event_append
    from refurb.models import DeviceEvent

    if not location.is_active:
        raise DomainError(
            "location_inactive",
            _("Location %(tag)s is no longer in use: scan another location.")
            % {"tag": location.tag},
            status=409,
        )
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        previous = locked.location
        if previous and previous.pk == location.pk:
            return None
        locked.location = location
        event = event_append(
            device=locked,
            code=DeviceEvent.Code.MOVED,
            actor=actor,
            workstation=workstation,
            payload={
                "from": previous.tag if previous else None,
                "to": location.tag,
                "to_name": location.name,
            },
            now=now,
            device_fields=["location"],
        )
    device.location = location
    device.event_seq = locked.event_seq
    device.event_head = locked.event_head
    return event
