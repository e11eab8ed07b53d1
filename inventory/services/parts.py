"""Writes of the parts stock: harvesting a device, taking a part out during a repair, fitting a
part into a device in repair, testing, moving and destroying parts.

Each service runs in one transaction and locks, in this order, the device, its repair ticket,
then the parts (by id), so concurrent fits never take the same part twice. Every change of a
part writes one ``PartMovement``; every change of a device one event (``event_append``).
Refusals (``inventory.parts.part_refusal``) raise before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Location, Part, PartMovement
from inventory.parts import (
    FIT,
    SPECS_FROM_DEVICE,
    SPECS_TO_DEVICE,
    category_name,
    part_refusal,
)
from refurb.events import event_append
from refurb.models import Device, DeviceEvent, Drive, Repair
from refurb.services import device_transition, drive_record_destruction, repair_lock
from refurb.states import State
from workshop import tags
from workshop.access import access_check
from workshop.exceptions import DomainError, validate
from workshop.services import tag_allocate_many
from workshop.units import CENT


@dataclass(frozen=True)
class PartSpec:
    """One part to take out of a device: its category, and what the worker says about it."""

    category: str
    description: str = ""
    specs: dict = field(default_factory=dict)
    drive: Drive | None = None
    price: Decimal | None = None
    test_status: str = Part.TestStatus.UNTESTED


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_location(location: Location | None, site_id: int) -> None:
    if location is not None and location.site_id != site_id:
        raise DomainError(
            "other_site",
            _("Location %(tag)s is at another site: scan a location of this site.")
            % {"tag": location.tag},
            fields={"location": [location.tag]},
            status=403,
        )


def _price(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value).replace(",", ".")).quantize(CENT)
    except (InvalidOperation, ValueError):
        price = Decimal(-1)
    if price < 0:
        raise DomainError(
            "invalid",
            _("A price is a positive amount in euros, for example 12,50."),
            fields={"price": [_("Not a price.")]},
        )
    return price


def _specs_for(device: Device, spec: PartSpec) -> dict:
    """The part's specs: the worker's, completed from the device's snapshot where known."""
    specs = {}
    device_specs = device.specs if isinstance(device.specs, dict) else {}
    for device_key, part_key in SPECS_FROM_DEVICE.get(spec.category, {}).items():
        if device_specs.get(device_key) not in (None, ""):
            specs[part_key] = device_specs[device_key]
    if spec.drive is not None:
        drive = spec.drive
        if drive.capacity_bytes:
            specs["capacity_gb"] = round(drive.capacity_bytes / 10**9)
        specs["kind"] = drive.kind
        if drive.serial_number:
            specs["serial"] = drive.serial_number
        if drive.power_on_hours is not None:
            specs["power_on_hours"] = drive.power_on_hours
    specs.update({str(k): v for k, v in (spec.specs or {}).items() if v not in (None, "")})
    return specs


def _validate_specs(device: Device, specs: list[PartSpec]) -> None:
    if not specs:
        raise DomainError(
            "invalid",
            _("Choose at least one part to take out."),
            fields={"parts": [_("This field is required.")]},
        )
    drives_taken = set(Part.objects.filter(drive__device=device).values_list("drive_id", flat=True))
    seen: set[int] = set()
    for spec in specs:
        if spec.category not in Part.Category.values:
            raise DomainError(
                "invalid",
                _("“%(category)s” is not a part category.") % {"category": spec.category},
                fields={"category": [_("Unknown category.")]},
            )
        if spec.test_status not in Part.TestStatus.values:
            raise DomainError(
                "invalid",
                _("Say whether the part works, is faulty or was not tested."),
                fields={"test_status": [_("Unknown test status.")]},
            )
        if (spec.category == Part.Category.DRIVE) != (spec.drive is not None):
            raise DomainError(
                "part_drive_required",
                _(
                    "A drive part is one of the drives recorded in %(tag)s: choose which one "
                    "(and only a drive part names a drive)."
                )
                % {"tag": device.asset_tag},
                fields={"drive": [_("Choose a recorded drive.")]},
            )
        if spec.drive is not None:
            if spec.drive.device_id != device.pk:
                raise DomainError(
                    "part_drive_elsewhere",
                    _("Drive %(drive)s is not in %(tag)s.")
                    % {"drive": spec.drive.tag, "tag": device.asset_tag},
                    fields={"drive": [spec.drive.tag]},
                )
            if spec.drive.pk in drives_taken or spec.drive.pk in seen:
                raise DomainError(
                    "part_drive_taken",
                    _("Drive %(drive)s is already a part.") % {"drive": spec.drive.tag},
                    fields={"drive": [spec.drive.tag]},
                    status=409,
                )
            seen.add(spec.drive.pk)


def _take_out(
    device: Device,
    specs: list[PartSpec],
    *,
    ticket: Repair | None,
    location: Location | None,
    actor,
    workstation,
    now: datetime,
) -> list[Part]:
    """Create the parts (tags, movements, one ``part_removed`` event each); the device is
    locked by the caller."""
    codes = tag_allocate_many(site=device.site, kind=tags.PART, count=len(specs))
    parts = []
    for spec, code in zip(specs, codes, strict=True):
        part = Part(
            site_id=device.site_id,
            tag=code,
            category=spec.category,
            description=(spec.description or "").strip()[:160],
            specs=_specs_for(device, spec),
            origin=device,
            drive=spec.drive,
            repair=ticket,
            test_status=spec.test_status,
            location=location,
            price=_price(spec.price),
            created_at=now,
            created_by=_actor(actor),
        )
        validate(part, exclude=["origin", "site", "drive", "repair", "location"])
        part.save()
        PartMovement.objects.create(
            part=part,
            kind=PartMovement.Kind.REMOVED,
            device=device,
            repair=ticket,
            actor=_actor(actor),
            workstation=workstation,
            created_at=now,
        )
        event_append(
            device=device,
            code=DeviceEvent.Code.PART_REMOVED,
            actor=actor,
            workstation=workstation,
            payload={"part": part.tag, "category": part.category},
            now=now,
        )
        parts.append(part)
    return parts


def _open_ticket(device: Device) -> Repair | None:
    return Repair.objects.select_for_update().filter(device=device, status="open").first()


def device_harvest(
    *,
    device: Device,
    parts: Iterable[PartSpec],
    actor,
    workstation=None,
    location: Location | None = None,
    now: datetime | None = None,
) -> list[Part]:
    """Take ``parts`` out of a device in repair and move it to ``harvested``, all or nothing.

    The coach's decision (``("device", "harvest")``). Each part gets a ``P`` tag, the origin
    device, specs from the device's snapshot where known, and the open repair ticket; the
    move to ``harvested`` closes the ticket and checks the device's drives (``drives_safe``).
    """
    specs = list(parts)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Device.objects.select_for_update(of=("self",))
            .select_related("category", "site")
            .get(pk=device.pk)
        )
        access_check("device", "harvest", site=locked.site_id, actor=actor, workstation=workstation)
        if locked.state != State.IN_REPAIR:
            raise DomainError(
                "not_in_repair",
                _("%(tag)s is “%(state)s”: only a device in repair is harvested for parts.")
                % {"tag": locked.asset_tag, "state": locked.get_state_display()},
                status=409,
            )
        _check_location(location, locked.site_id)
        _validate_specs(locked, specs)
        ticket = _open_ticket(locked)
        created = _take_out(
            locked,
            specs,
            ticket=ticket,
            location=location,
            actor=actor,
            workstation=workstation,
            now=now,
        )
        device_transition(
            device=locked, to=State.HARVESTED, actor=actor, workstation=workstation, now=now
        )
    device.state = locked.state
    device.event_seq, device.event_head = locked.event_seq, locked.event_head
    return created


def part_remove(
    *,
    repair: Repair,
    part: PartSpec,
    actor,
    workstation=None,
    location: Location | None = None,
    now: datetime | None = None,
) -> Part:
    """Take one part out of a device in repair (a faulty screen swapped for another): the
    device stays in repair, the part goes to stock (or to recycling when faulty)."""
    now = now or timezone.now()
    with transaction.atomic():
        device, ticket = repair_lock(repair, actor=actor, workstation=workstation)
        _check_location(location, device.site_id)
        _validate_specs(device, [part])
        (created,) = _take_out(
            device,
            [part],
            ticket=ticket,
            location=location,
            actor=actor,
            workstation=workstation,
            now=now,
        )
    return created


def _merge_specs(device: Device, part: Part) -> dict:
    """The device's specs once ``part`` is fitted (memory adds up; the rest replaces)."""
    specs = dict(device.specs) if isinstance(device.specs, dict) else {}
    for part_key, device_key in SPECS_TO_DEVICE.get(part.category, {}).items():
        value = (part.specs or {}).get(part_key)
        if value in (None, ""):
            continue
        if part.category == Part.Category.MEMORY and isinstance(specs.get(device_key), int | float):
            specs[device_key] = specs[device_key] + value
        else:
            specs[device_key] = value
    return specs


def part_fit(
    *,
    part: Part,
    repair: Repair,
    category: str,
    actor,
    workstation=None,
    now: datetime | None = None,
) -> Part:
    """Fit ``part`` into the device of ``repair`` in place of its faulty ``category`` part.

    Refused, nothing written: a part of another category, a part not in stock (already
    fitted, sold…), a faulty part, a drive without proof of erasure, a part of another site.
    The device's specs change and its history says where the part came from.
    """
    now = now or timezone.now()
    with transaction.atomic():
        device, ticket = repair_lock(repair, actor=actor, workstation=workstation)
        locked = (
            Part.objects.select_for_update(of=("self",))
            .select_related("drive", "origin", "fitted_in")
            .get(pk=part.pk)
        )
        if locked.site_id != device.site_id:
            raise DomainError(
                "other_site",
                _("Part %(tag)s belongs to another site: it is fitted at its own site.")
                % {"tag": locked.tag},
                fields={"part": [locked.tag]},
                status=403,
            )
        if locked.category != category:
            raise DomainError(
                "part_wrong_category",
                _("Part %(tag)s is a %(is)s, not a %(wanted)s: scan a part of the right category.")
                % {
                    "tag": locked.tag,
                    "is": category_name(locked.category).lower(),
                    "wanted": category_name(category).lower(),
                },
                fields={"part": [locked.tag]},
            )
        refused = part_refusal(locked, purpose=FIT)
        if refused is not None:
            raise refused
        if locked.origin_id == device.pk:
            raise DomainError(
                "part_same_device",
                _("Part %(tag)s was taken out of this very device.") % {"tag": locked.tag},
                fields={"part": [locked.tag]},
            )
        before = dict(device.specs) if isinstance(device.specs, dict) else {}
        device.specs = _merge_specs(device, locked)
        changed = sorted(key for key in device.specs if device.specs[key] != before.get(key))
        locked.status = Part.Status.FITTED
        locked.fitted_in = device
        locked.location = None
        locked.save(update_fields=["status", "fitted_in", "location"])
        moved_drive = {}
        if locked.drive_id is not None:
            # The drive belongs to its new device from now on, with its erasure evidence:
            # the new device's certificate lists it and its ``drives_safe`` guard keeps it.
            drive = Drive.objects.select_for_update().get(pk=locked.drive_id)
            moved_drive = {"drive": drive.tag, "drive_from": locked.origin.asset_tag}
            Drive.objects.filter(pk=drive.pk).update(device=device, taken_from=drive.device_id)
        PartMovement.objects.create(
            part=locked,
            kind=PartMovement.Kind.FITTED,
            device=device,
            repair=ticket,
            actor=_actor(actor),
            workstation=workstation,
            created_at=now,
        )
        event_append(
            device=device,
            code=DeviceEvent.Code.PART_FITTED,
            actor=actor,
            workstation=workstation,
            payload={
                "part": locked.tag,
                "category": locked.category,
                "origin": locked.origin.asset_tag,
                "repair": ticket.pk,
                "specs": {key: device.specs[key] for key in changed},
                **moved_drive,
            },
            now=now,
            device_fields=["specs"] if changed else [],
        )
    part.status, part.fitted_in_id, part.location_id = locked.status, device.pk, None
    repair.device.specs = device.specs
    repair.device.event_seq, repair.device.event_head = device.event_seq, device.event_head
    return locked


def _lock_part(part: Part, *, actor, workstation, action: str = "handle") -> Part:
    locked = (
        Part.objects.select_for_update(of=("self",))
        .select_related("drive", "origin")
        .get(pk=part.pk)
    )
    access_check("part", action, site=locked.site_id, actor=actor, workstation=workstation)
    return locked


def part_record_test(
    *, part: Part, passed: bool, actor, workstation=None, note: str = "", now=None
) -> Part:
    """Record whether a part in stock works."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_part(part, actor=actor, workstation=workstation)
        if locked.status != Part.Status.IN_STOCK:
            raise part_refusal(locked, purpose=FIT)
        locked.test_status = Part.TestStatus.PASSED if passed else Part.TestStatus.FAILED
        locked.save(update_fields=["test_status"])
        PartMovement.objects.create(
            part=locked,
            kind=PartMovement.Kind.TESTED,
            note=(note or "").strip()[:200] or locked.test_status,
            actor=_actor(actor),
            workstation=workstation,
            created_at=now,
        )
    part.test_status = locked.test_status
    return locked


def part_move(*, part: Part, location: Location, actor, workstation=None, now=None) -> Part:
    """Put a part in stock at ``location``."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_part(part, actor=actor, workstation=workstation)
        _check_location(location, locked.site_id)
        if locked.status != Part.Status.IN_STOCK:
            raise part_refusal(locked, purpose=FIT)
        if locked.location_id == location.pk:
            return locked
        locked.location = location
        locked.save(update_fields=["location"])
        PartMovement.objects.create(
            part=locked,
            kind=PartMovement.Kind.MOVED,
            note=location.tag,
            actor=_actor(actor),
            workstation=workstation,
            created_at=now,
        )
    part.location = location
    return locked


def part_set_price(*, part: Part, price, actor, workstation=None) -> Part:
    """Give a part in stock its counter price (or none)."""
    with transaction.atomic():
        locked = _lock_part(part, actor=actor, workstation=workstation, action="sell")
        locked.price = _price(price)
        locked.save(update_fields=["price"])
    part.price = locked.price
    return locked


def part_destroy(
    *, part: Part, method: str, witness: str, actor, workstation=None, now=None
) -> Part:
    """Destroy a part drive in front of a witness: its drive's destruction is the proof, and
    the part leaves the stock."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_part(part, actor=actor, workstation=workstation)
        if locked.drive is None:
            raise DomainError(
                "part_not_a_drive",
                _("Only a drive part is destroyed here: recycle the other parts."),
                fields={"part": [locked.tag]},
            )
        if locked.status != Part.Status.IN_STOCK:
            raise part_refusal(locked, purpose=FIT)
        drive_record_destruction(
            drive=locked.drive,
            method=method,
            witness=witness,
            actor=actor,
            workstation=workstation,
            now=now,
        )
        locked.status = Part.Status.DESTROYED
        locked.location = None
        locked.save(update_fields=["status", "location"])
        PartMovement.objects.create(
            part=locked,
            kind=PartMovement.Kind.DESTROYED,
            note=method,
            actor=_actor(actor),
            workstation=workstation,
            created_at=now,
        )
    part.status = locked.status
    return locked
