"""Writes of the solidarity shop: buyers, prices, kits and reservations.

Sales and credit notes are in ``inventory.services.sales``. Prices come from the grid when a
device goes on sale (``apply_price``, an effect of ``graded → on_sale`` in the transition
table) and a manager may override them with a reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.selectors import add_months, price_rule_for
from refurb.models import Device
from refurb.states import State
from shop.models import Buyer, DevicePrice, Kit, KitItem, Reservation, SiteLegal
from workshop import tags
from workshop.exceptions import DomainError, validate
from workshop.models import Site
from workshop.roles import MANAGER, user_roles
from workshop.services import tag_allocate

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NORMAL_VAT_RATE = Decimal("0.20")
SYSTEM_ROLES = frozenset({MANAGER})


# --- buyers -------------------------------------------------------------------------------


def _tier_reason(buyer: Buyer) -> tuple[str, str]:
    kind = Buyer.Kind(buyer.kind)
    if kind == Buyer.Kind.PUBLIC:
        return Buyer.Tier.STANDARD, str(kind.label)
    if kind == Buyer.Kind.INDIVIDUAL:
        proof = Buyer.Proof(buyer.proof_kind).label if buyer.proof_kind else "?"
        return Buyer.Tier.SOLIDARITY, f"{kind.label}: {proof}"
    ident = buyer.rna or buyer.siret or buyer.siren
    return Buyer.Tier.SOLIDARITY, f"{kind.label}: {ident}"


def _compact(value: str) -> str:
    return "".join((value or "").split())


def _eligibility_months(site: Site | None) -> int:
    legal = SiteLegal.objects.filter(site=site).first() if site else None
    return legal.eligibility_months if legal else 12


def buyer_create(
    *,
    kind: str,
    name: str,
    actor,
    rna: str = "",
    siren: str = "",
    siret: str = "",
    proof_kind: str = "",
    address: str = "",
    email: str = "",
    site: Site | None = None,
    now: datetime | None = None,
) -> Buyer:
    """Record a buyer, check its identifiers, and set its price tier, why, and until when."""
    now = now or timezone.now()
    buyer = Buyer(
        kind=kind,
        name=(name or "").strip(),
        rna=_compact(rna).upper(),
        siren=_compact(siren),
        siret=_compact(siret),
        proof_kind=proof_kind,
        address=address,
        email=email,
        checked_by=actor if getattr(actor, "is_authenticated", False) else None,
        checked_at=now,
        tier=Buyer.Tier.STANDARD,
        tier_reason="-",
        site=site,
    )
    if kind not in Buyer.Kind.values:
        raise DomainError(
            "invalid", _("Choose a kind of buyer."), fields={"kind": [_("Unknown kind.")]}
        )
    validate(buyer)
    buyer.tier, buyer.tier_reason = _tier_reason(buyer)
    if buyer.tier == Buyer.Tier.SOLIDARITY:
        months = _eligibility_months(site)
        buyer.eligible_until = add_months(timezone.localdate(now), months)
    buyer.save()
    return buyer


def buyer_recheck(
    *,
    buyer: Buyer,
    actor,
    proof_kind: str | None = None,
    site: Site | None = None,
    now: datetime | None = None,
) -> Buyer:
    """Record that eligibility was checked again today (and the kind of proof, for people)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Buyer.objects.select_for_update().get(pk=buyer.pk)
        if proof_kind is not None:
            locked.proof_kind = proof_kind
        validate(locked)
        locked.tier, locked.tier_reason = _tier_reason(locked)
        locked.checked_at = now
        locked.checked_by = actor if getattr(actor, "is_authenticated", False) else None
        if locked.tier == Buyer.Tier.SOLIDARITY:
            locked.eligible_until = add_months(timezone.localdate(now), _eligibility_months(site))
        locked.save()
    return locked


# --- prices -------------------------------------------------------------------------------


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
    from refurb.events import event_append
    from refurb.models import DeviceEvent

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
        if locked.state in (State.SOLD, State.RECYCLED, State.HARVESTED):
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


# --- kits ---------------------------------------------------------------------------------


def _kit_event(device: Device, kit: Kit, action: str, actor, workstation, now) -> None:
    from refurb.events import event_append
    from refurb.models import DeviceEvent

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


# --- reservations -------------------------------------------------------------------------


def reservation_create(
    *,
    device: Device,
    buyer: Buyer,
    actor,
    workstation=None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> Reservation:
    """Hold a device on sale for one buyer until ``expires_at`` (default: the site's days)."""
    from refurb.services import device_transition

    now = now or timezone.now()
    with transaction.atomic():
        if KitItem.objects.filter(device=device, active=True).exists():
            raise DomainError(
                "in_kit",
                _("%(tag)s is part of a kit: sell or dismantle the kit.")
                % {"tag": device.asset_tag},
                status=409,
            )
        if expires_at is None:
            legal = SiteLegal.objects.filter(site_id=device.site_id).first()
            expires_at = now + timedelta(days=legal.reservation_days if legal else 7)
        if expires_at <= now:
            raise DomainError(
                "invalid",
                _("A reservation ends in the future."),
                fields={"expires_at": [_("Pick a later date.")]},
            )
        device_transition(
            device=device,
            to=State.RESERVED,
            actor=actor,
            workstation=workstation,
            payload={"buyer": buyer.pk, "until": expires_at.isoformat()},
            now=now,
        )
        return Reservation.objects.create(
            device=device,
            buyer=buyer,
            expires_at=expires_at,
            created_at=now,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def reservation_release(
    *,
    reservation: Reservation,
    actor,
    workstation=None,
    status: str = Reservation.Status.RELEASED,
    roles: frozenset[str] | None = None,
    now: datetime | None = None,
) -> Reservation:
    """End a reservation and put the device back on sale."""
    from refurb.services import device_transition

    now = now or timezone.now()
    with transaction.atomic():
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status != Reservation.Status.ACTIVE:
            raise DomainError("reservation_closed", _("This reservation has ended."), status=409)
        device_transition(
            device=locked.device,
            to=State.ON_SALE,
            actor=actor,
            workstation=workstation,
            payload={"reservation": status, "buyer": locked.buyer_id},
            now=now,
            roles=roles,
        )
        locked.status = status
        locked.save(update_fields=["status"])
    return locked


def reservations_expire(*, now: datetime | None = None) -> list[Reservation]:
    """Put back on sale every device whose reservation has expired (run by cron)."""
    now = now or timezone.now()
    done = []
    due = Reservation.objects.filter(status=Reservation.Status.ACTIVE, expires_at__lte=now)
    for reservation in due.select_related("device", "buyer").order_by("expires_at", "pk"):
        done.append(
            reservation_release(
                reservation=reservation,
                actor=None,
                status=Reservation.Status.EXPIRED,
                roles=SYSTEM_ROLES,
                now=now,
            )
        )
    return done
