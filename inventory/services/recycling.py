"""Writes of recycling shipments: open, fill with devices and parts, ship, certify.

Shipping is all or nothing: every device is checked against the erasure invariant first, and
devices still in repair become ``recycled`` through ``device_transition``, which writes the
events, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import (
    Carrier,
    Part,
    PartMovement,
    ReceivingFacility,
    RecyclingShipment,
    RecyclingShipmentLine,
    WasteCode,
)
from inventory.models.waste import (
    TREATMENT_CODES,
    TreatmentMode,
    compact_number,
    treatment_modes_allowed,
)
from inventory.parts import RECYCLE, part_refusal
from refurb.models import Device
from refurb.selectors import device_data_safety
from refurb.services import device_transition
from refurb.states import State
from workshop.access import access_check
from workshop.exceptions import DomainError, validate
from workshop.models import Site
from workshop.services import office_workstation

SHIPPABLE_STATES = frozenset({State.IN_REPAIR, State.RECYCLED, State.HARVESTED})


def shipment_open(*, site: Site, recycler: str, actor=None, now=None) -> RecyclingShipment:
    """Open a shipment to a recycler; devices and parts are added until it is shipped."""
    shipment = RecyclingShipment(
        site=site,
        recycler=(recycler or "").strip(),
        shipped_on=timezone.localdate(now) if now else timezone.localdate(),
    )
    validate(shipment)
    shipment.save()
    return shipment


def _lock_open_shipment(shipment: RecyclingShipment) -> RecyclingShipment:
    locked = RecyclingShipment.objects.select_for_update().get(pk=shipment.pk)
    if locked.status != RecyclingShipment.Status.OPEN:
        raise DomainError(
            "shipment_shipped", _("This shipment has left: it can no longer change."), status=409
        )
    return locked


def shipment_add_device(
    *, shipment: RecyclingShipment, device: Device, weight_kg: Decimal | str | None = None, now=None
) -> RecyclingShipmentLine:
    """Put a device bound for recycling in the shipment, weighed (or at its known weight)."""
    with transaction.atomic():
        locked = _lock_open_shipment(shipment)
        device = Device.objects.select_related("category").get(pk=device.pk)
        if device.site_id != locked.site_id:
            raise DomainError(
                "wrong_site",
                _("%(tag)s is at another site.") % {"tag": device.asset_tag},
                fields={"device": [_("Another site's device.")]},
            )
        if device.state not in SHIPPABLE_STATES:
            raise DomainError(
                "not_for_recycling",
                _(
                    "%(tag)s is “%(state)s”: only devices in repair, harvested or recycled "
                    "can leave for a recycler."
                )
                % {"tag": device.asset_tag, "state": device.get_state_display()},
                status=409,
            )
        if RecyclingShipmentLine.objects.filter(
            device=device, shipment__status=RecyclingShipment.Status.SHIPPED
        ).exists():
            raise DomainError(
                "already_shipped",
                _("%(tag)s already left in another shipment.") % {"tag": device.asset_tag},
                status=409,
            )
        weight = (
            weight_kg
            if weight_kg not in (None, "")
            else (
                device.weight_kg
                if device.weight_kg is not None
                else device.category.default_weight_kg or Decimal("0")
            )
        )
        line, _created = RecyclingShipmentLine.objects.update_or_create(
            shipment=locked,
            device=device,
            defaults={"weight_kg": Decimal(str(weight)), "added_at": now or timezone.now()},
        )
        validate(line)
    return line


def shipment_add_parts(
    *, shipment: RecyclingShipment, description: str, weight_kg: Decimal | str, now=None
) -> RecyclingShipmentLine:
    """Put a weighed lot of loose parts (cables, boards, casings) in the shipment."""
    with transaction.atomic():
        locked = _lock_open_shipment(shipment)
        line = RecyclingShipmentLine(
            shipment=locked,
            description=(description or "").strip(),
            weight_kg=weight_kg,
            added_at=now or timezone.now(),
        )
        if not line.description:
            raise DomainError(
                "invalid",
                _("Say what the parts are."),
                fields={"description": [_("This field is required.")]},
            )
        validate(line)
        line.save()
    return line


def shipment_add_part(
    *, shipment: RecyclingShipment, part, weight_kg: Decimal | str = "0", now=None
) -> RecyclingShipmentLine:
    """Put one part of the stock in the shipment: a part drive needs its proof of erasure or
    its destruction first (``inventory.parts.part_refusal``)."""
    with transaction.atomic():
        locked = _lock_open_shipment(shipment)
        part = Part.objects.select_for_update(of=("self",)).select_related("drive").get(pk=part.pk)
        if part.site_id != locked.site_id:
            raise DomainError(
                "wrong_site",
                _("Part %(tag)s is at another site than this shipment.") % {"tag": part.tag},
                status=409,
            )
        refused = part_refusal(part, purpose=RECYCLE)
        if refused is not None:
            raise refused
        line = RecyclingShipmentLine(
            shipment=locked,
            part=part,
            description=f"{part.tag} · {part.get_category_display()}"[:160],
            weight_kg=weight_kg,
            added_at=now or timezone.now(),
        )
        validate(line)
        line.save()
    return line


def shipment_remove_line(*, line: RecyclingShipmentLine) -> None:
    """Take a line out of an open shipment."""
    with transaction.atomic():
        _lock_open_shipment(line.shipment)
        RecyclingShipmentLine.objects.filter(pk=line.pk).delete()


def shipment_ship(
    *, shipment: RecyclingShipment, actor, workstation=None, now: datetime | None = None
) -> RecyclingShipment:
    """Mark the shipment as gone: every device must be data-safe; those in repair become
    ``recycled`` through ``device_transition``. All or nothing: one unsafe device refuses the
    whole shipment, naming it."""

    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_open_shipment(shipment)
        lines = list(locked.lines.select_related("device", "device__category"))
        if not lines:
            raise DomainError("shipment_empty", _("This shipment is empty."), status=409)
        if locked.waste_code_id and locked.waste_code.hazardous and not locked.tracking_slip:
            raise DomainError(
                "tracking_slip_required",
                _("Hazardous waste (%(code)s) travels with a tracking slip: type its number.")
                % {"code": locked.waste_code.code},
                fields={"tracking_slip": [_("This field is required.")]},
                status=409,
            )
        devices = [line.device for line in lines if line.device_id]
        locked_devices = {
            device.pk: device
            for device in Device.objects.select_for_update()
            .select_related("category")
            .filter(pk__in=[device.pk for device in devices])
        }
        unsafe = []
        wrong_state = []
        for device in locked_devices.values():
            if not device_data_safety(device).safe:
                unsafe.append(device.asset_tag)
            if device.state not in SHIPPABLE_STATES:
                wrong_state.append(device.asset_tag)
        if unsafe:
            raise DomainError(
                "drives_not_safe",
                _(
                    "The shipment cannot leave: %(tags)s may still hold data (a drive is neither "
                    "erased with verification nor destroyed). Take it out or make it safe."
                )
                % {"tags": ", ".join(sorted(unsafe))},
                fields={"devices": sorted(unsafe)},
                status=409,
            )
        if wrong_state:
            raise DomainError(
                "not_for_recycling",
                _("The shipment cannot leave: %(tags)s is no longer bound for recycling.")
                % {"tags": ", ".join(sorted(wrong_state))},
                fields={"devices": sorted(wrong_state)},
                status=409,
            )
        parts = list(
            Part.objects.select_for_update(of=("self",))
            .select_related("drive")
            .filter(recycling_line__shipment=locked)
            .order_by("pk")
        )
        for part in parts:
            refused = part_refusal(part, purpose=RECYCLE)
            if refused is not None:
                raise refused
        for part in parts:
            part.status = Part.Status.RECYCLED
            part.location = None
            part.save(update_fields=["status", "location"])
            PartMovement.objects.create(
                part=part,
                kind=PartMovement.Kind.RECYCLED,
                note=locked.recycler[:200],
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                workstation=workstation,
                created_at=now,
            )
        # Shipped from the office screens: a manager's move, made from the site's office.
        workstation = workstation or office_workstation(locked.site)
        for device in locked_devices.values():
            if device.state == State.IN_REPAIR:
                device_transition(
                    device=device,
                    to=State.RECYCLED,
                    actor=actor,
                    workstation=workstation,
                    payload={"shipment": locked.pk, "recycler": locked.recycler},
                    now=now,
                )
        total = locked.lines.aggregate(total=Coalesce(Sum("weight_kg"), Decimal("0")))["total"]
        locked.weight_kg = Decimal(total).quantize(Decimal("0.001"))
        locked.status = RecyclingShipment.Status.SHIPPED
        locked.shipped_at = now
        locked.shipped_on = timezone.localdate(now)
        validate(locked)
        locked.save()
    return locked


def shipment_record_certificate(
    *, shipment: RecyclingShipment, certificate_ref: str
) -> RecyclingShipment:
    """Record the reference of the certificate the recycler sent for a shipped shipment."""
    certificate_ref = (certificate_ref or "").strip()
    with transaction.atomic():
        locked = RecyclingShipment.objects.select_for_update().get(pk=shipment.pk)
        if locked.status != RecyclingShipment.Status.SHIPPED:
            raise DomainError(
                "shipment_open",
                _("Record the recycler's certificate once the shipment has left."),
                status=409,
            )
        if not certificate_ref:
            raise DomainError(
                "invalid",
                _("Type the certificate reference."),
                fields={"certificate_ref": [_("This field is required.")]},
            )
        locked.certificate_ref = certificate_ref
        validate(locked)
        locked.save(update_fields=["certificate_ref"])
    return locked


REGISTER_FIELDS = (
    "waste_code",
    "carrier",
    "facility",
    "treatment_code",
    "eco_organisation",
    "eco_organisation_siren",
    "tracking_slip",
    "treatment_mode",
    "contains_pop",
    "basel_code",
    "transfer_notification",
    "dispatcher_siret",
    "broker_name",
    "broker_siret",
    "broker_receipt",
)


def shipment_set_register(
    *,
    shipment: RecyclingShipment,
    actor=None,
    waste_code: WasteCode | None = None,
    carrier: Carrier | None = None,
    facility: ReceivingFacility | None = None,
    treatment_code: str = "",
    eco_organisation: str = "",
    eco_organisation_siren: str = "",
    tracking_slip: str = "",
    treatment_mode: str = "",
    contains_pop: bool = False,
    basel_code: str = "",
    transfer_notification: str = "",
    dispatcher_siret: str = "",
    broker_name: str = "",
    broker_siret: str = "",
    broker_receipt: str = "",
) -> RecyclingShipment:
    """Record what the waste register says of a shipment: its waste code, carrier, receiving
    facility, treatment (code and final qualification), eco-organisation, tracking slip, POP
    and Basel mentions, transboundary number, the dispatching establishment's SIRET and any
    broker or trader (arrêté du 31 mai 2021, art. 2). Allowed before and after it left (the
    slip number often comes later); a hazardous code needs the slip once shipped."""
    with transaction.atomic():
        locked = RecyclingShipment.objects.select_for_update().get(pk=shipment.pk)
        access_check("compliance", "read", site=locked.site_id, actor=actor)
        locked.waste_code = waste_code
        locked.carrier = carrier
        locked.facility = facility
        locked.treatment_code = (treatment_code or "").strip().upper()
        locked.eco_organisation = (eco_organisation or "").strip()
        locked.eco_organisation_siren = compact_number(eco_organisation_siren)
        locked.tracking_slip = (tracking_slip or "").strip()
        locked.treatment_mode = treatment_mode or ""
        locked.contains_pop = bool(contains_pop)
        locked.basel_code = (basel_code or "").strip().upper()
        locked.transfer_notification = (transfer_notification or "").strip()
        locked.dispatcher_siret = compact_number(dispatcher_siret)
        locked.broker_name = (broker_name or "").strip()
        locked.broker_siret = compact_number(broker_siret)
        locked.broker_receipt = (broker_receipt or "").strip()
        if (locked.broker_siret or locked.broker_receipt) and not locked.broker_name:
            raise DomainError(
                "invalid",
                _("Name the broker or trader whose SIRET or receipt you typed."),
                fields={"broker_name": [_("This field is required.")]},
            )
        if locked.treatment_mode and not locked.treatment_code:
            raise DomainError(
                "invalid",
                _("Give the treatment code (R or D) the final treatment qualifies."),
                fields={"treatment_code": [_("This field is required.")]},
            )
        if (
            locked.treatment_mode
            and locked.treatment_code in TREATMENT_CODES
            and locked.treatment_mode not in treatment_modes_allowed(locked.treatment_code)
        ):
            raise DomainError(
                "invalid",
                _("The final treatment %(mode)s does not fit the treatment code %(code)s.")
                % {
                    "mode": TreatmentMode(locked.treatment_mode).label,
                    "code": locked.treatment_code,
                },
                fields={"treatment_mode": [_("Choose a final treatment that fits the code.")]},
            )
        if locked.eco_organisation_siren and not locked.eco_organisation:
            raise DomainError(
                "invalid",
                _("Name the eco-organisation whose SIREN you typed."),
                fields={"eco_organisation": [_("This field is required.")]},
            )
        if (
            waste_code is not None
            and waste_code.hazardous
            and locked.status == RecyclingShipment.Status.SHIPPED
            and not locked.tracking_slip
        ):
            raise DomainError(
                "tracking_slip_required",
                _("Hazardous waste (%(code)s) travels with a tracking slip: type its number.")
                % {"code": waste_code.code},
                fields={"tracking_slip": [_("This field is required.")]},
            )
        validate(locked)
        locked.save(update_fields=list(REGISTER_FIELDS))
    return locked
