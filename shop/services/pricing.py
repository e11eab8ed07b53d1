"""Writes of prices: the grid applied when a device goes on sale, and a manager's override."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import Device, DeviceEvent
from refurb.states import EXIT_STATES
from shop.models import DevicePrice, PriceRule
from shop.selectors import price_rule_for
from workshop.exceptions import DomainError, validate
from workshop.roles import MANAGER, user_roles
from workshop.units import ZERO


def apply_price(device: Device, ctx) -> list[str]:
    """Effect of ``graded → on_sale``: price the device from the grid (or keep an override).

    Records the price in the transition event's payload. Raises ``no_price`` when no grid row
    matches, so a device is never on sale without a price.
    """
    now = ctx.now or timezone.now()
    current = DevicePrice.objects.filter(device=device).first()
    if current is not None and current.overridden:
        price = current
    else:
        rule = price_rule_for(device)
        if rule is None:
            raise DomainError(
                "no_price",
                _(
                    "No row of the price grid matches %(category)s, grade %(grade)s. Ask a "
                    "manager to add one to the price grid (or to set this device's price by "
                    "hand), then put it on sale again."
                )
                % {"category": device.category.name, "grade": device.grade.code},
                status=409,
            )
        price = current or DevicePrice(device=device)
        price.rule = rule
        price.spec_tier_name = rule.spec_tier.name if rule.spec_tier else ""
        price.free_of_charge = rule.free_of_charge
        price.solidarity_price = ZERO if rule.free_of_charge else rule.solidarity_price
        price.standard_price = rule.standard_price
        price.set_at = now
        price.save()
    ctx.payload["price"] = {
        "solidarity": str(price.solidarity_price),
        "standard": str(price.standard_price),
        "rule": price.rule_id,
        "overridden": price.overridden,
    }
    return []


def device_price_override(
    *,
    device: Device,
    solidarity_price: Decimal | str,
    standard_price: Decimal | str,
    reason: str,
    actor,
    free_of_charge: bool = False,
    workstation=None,
    now: datetime | None = None,
) -> DevicePrice:
    """Let a manager set a device's prices by hand, with a reason; logs a ``price`` event."""

    now = now or timezone.now()
    if MANAGER not in user_roles(actor):
        raise DomainError(
            "role_forbidden", _("Only a manager may change a device's price."), status=403
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required",
            _("Say why the price differs from the grid."),
            fields={"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if locked.state in EXIT_STATES:
            raise DomainError(
                "not_priceable", _("This device has left the shop: its price is final."), status=409
            )
        price = DevicePrice.objects.filter(device=locked).first() or DevicePrice(device=locked)
        before = (str(price.solidarity_price), str(price.standard_price)) if price.pk else None
        price.solidarity_price = ZERO if free_of_charge else Decimal(str(solidarity_price))
        price.standard_price = Decimal(str(standard_price))
        price.free_of_charge = free_of_charge
        price.overridden = True
        price.override_reason = reason
        price.set_at = now
        validate(price)
        price.save()
        event_append(
            device=locked,
            code=DeviceEvent.Code.PRICE,
            actor=actor,
            workstation=workstation,
            reason=reason,
            payload={
                "before": before,
                "solidarity": str(price.solidarity_price),
                "standard": str(price.standard_price),
                "free_of_charge": free_of_charge,
            },
            now=now,
        )
    return price


def price_rule_save(
    *,
    actor,
    category,
    grade,
    solidarity_price: Decimal | str,
    standard_price: Decimal | str,
    spec_tier=None,
    free_of_charge: bool = False,
    is_active: bool = True,
    rule: PriceRule | None = None,
) -> PriceRule:
    """Add a row to the price grid or change one (managers only; the grid is the network's).

    A device already on sale keeps the price it was put on sale at (``DevicePrice``); the row
    prices the devices put on sale from now on.
    """
    if actor is not None and MANAGER not in user_roles(actor):
        raise DomainError(
            "role_forbidden", _("Only a manager may change the price grid."), status=403
        )
    with transaction.atomic():
        if rule is not None:
            rule = PriceRule.objects.select_for_update().get(pk=rule.pk)
        else:
            rule = PriceRule()
        rule.category = category
        rule.grade = grade
        rule.spec_tier = spec_tier
        rule.solidarity_price = ZERO if free_of_charge else Decimal(str(solidarity_price))
        rule.standard_price = Decimal(str(standard_price))
        rule.free_of_charge = free_of_charge
        rule.is_active = is_active
        duplicate = (
            PriceRule.objects.filter(category=category, grade=grade, spec_tier=spec_tier)
            .exclude(pk=rule.pk)
            .exists()
        )
        if duplicate:
            raise DomainError(
                "price_rule_exists",
                _(
                    "The price grid already has a row for this category, grade and spec tier: "
                    "change that row instead."
                ),
                fields={"spec_tier": [_("Already in the grid.")]},
                status=409,
            )
        validate(rule)
        rule.save()
    return rule
