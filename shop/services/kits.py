"""Writes of kits: devices assembled into one priced lot, and taken apart again."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import Device, DeviceEvent
from refurb.states import State
from shop.models import DevicePrice, Kit, KitItem
from workshop import tags
from workshop.exceptions import DomainError, validate
from workshop.models import Site
from workshop.services import tag_allocate
from workshop.units import ZERO


def _kit_event(device: Device, kit: Kit, action: str, actor, workstation, now) -> None:

    event_append(
        device=device,
        code=DeviceEvent.Code.UPDATED,
        actor=actor,
        workstation=workstation,
        payload={"kit": kit.tag, "action": action},
        now=now,
    )


def kit_assemble(
    *,
    site: Site,
    devices: list[Device],
    name: str,
    actor,
    solidarity_price: Decimal | str | None = None,
    standard_price: Decimal | str | None = None,
    workstation=None,
    now: datetime | None = None,
) -> Kit:
    """Put devices on sale together under a kit tag; its price defaults to the sum of theirs."""
    now = now or timezone.now()
    if len(devices) < 2:
        raise DomainError(
            "kit_too_small", _("A kit holds at least two devices: scan the others."), status=400
        )
    with transaction.atomic():
        locked = list(
            Device.objects.select_for_update()
            .filter(pk__in=[device.pk for device in devices])
            .order_by("pk")
        )
        prices = {price.device_id: price for price in DevicePrice.objects.filter(device__in=locked)}
        busy = set(
            KitItem.objects.filter(device__in=locked, active=True).values_list(
                "device__asset_tag", flat=True
            )
        )
        for device in locked:
            if device.site_id != site.pk or device.state != State.ON_SALE:
                raise DomainError(
                    "not_on_sale",
                    _("%(tag)s is not on sale at this site: only devices on sale go in a kit.")
                    % {"tag": device.asset_tag},
                    status=409,
                )
            if device.pk not in prices:
                raise DomainError(
                    "no_price", _("%(tag)s has no price.") % {"tag": device.asset_tag}, status=409
                )
            if device.asset_tag in busy:
                raise DomainError(
                    "in_kit",
                    _("%(tag)s is already in another kit: dismantle that kit first.")
                    % {"tag": device.asset_tag},
                    status=409,
                )
        kit = Kit(
            site=site,
            name=(name or "").strip(),
            tag="pending",
            solidarity_price=Decimal(str(solidarity_price))
            if solidarity_price not in (None, "")
            else sum((prices[d.pk].solidarity_price for d in locked), ZERO),
            standard_price=Decimal(str(standard_price))
            if standard_price not in (None, "")
            else sum((prices[d.pk].standard_price for d in locked), ZERO),
            created_at=now,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        validate(kit)
        kit.tag = tag_allocate(site=site, kind=tags.KIT)
        kit.save()
        order = {device.pk: index for index, device in enumerate(devices)}
        for device in locked:
            KitItem.objects.create(kit=kit, device=device, position=order[device.pk])
            _kit_event(device, kit, "assembled", actor, workstation, now)
    return kit


def kit_dismantle(*, kit: Kit, actor, workstation=None, now: datetime | None = None) -> Kit:
    """Take a kit apart: its devices are on sale one by one again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Kit.objects.select_for_update().get(pk=kit.pk)
        if locked.status != Kit.Status.ASSEMBLED:
            raise DomainError(
                "kit_not_assembled",
                _("Kit %(tag)s is %(status)s: only an assembled kit can be dismantled.")
                % {"tag": locked.tag, "status": locked.get_status_display()},
                status=409,
            )
        items = list(locked.items.filter(active=True).values_list("device_id", flat=True))
        for device in Device.objects.select_for_update().filter(pk__in=items).order_by("pk"):
            _kit_event(device, locked, "dismantled", actor, workstation, now)
        locked.items.update(active=False)
        locked.status = Kit.Status.DISMANTLED
        locked.save(update_fields=["status"])
    kit.status = locked.status
    return locked
