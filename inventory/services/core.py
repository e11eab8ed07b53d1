"""Writes about what the workshop holds: tags, collections, locations, device intake and moves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Collection, Donor, Location
from refurb.events import event_append
from refurb.models import Device, DeviceEvent
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


def device_move(*, device: Device, location: Location, actor, workstation=None, now=None):
    """Put a device at a location and log where it was and where it went."""

    if not location.is_active:
        raise DomainError(
            "location_inactive",
            _("Location %(tag)s is no longer in use: scan another location.")
            % {"tag": location.tag},
            status=409,
        )
    if location.site_id != device.site_id:
        raise DomainError(
            "other_site",
            _("Location %(tag)s is at another site than %(device)s: scan a location of its site.")
            % {"tag": location.tag, "device": device.asset_tag},
            status=403,
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
