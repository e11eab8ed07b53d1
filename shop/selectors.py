"""Reads about what the shop sells, shared by services, screens, labels and the API.

``device_price`` is what the shop label prints; ``price_rule_for`` is how the grid is matched
(spec keys read from ``device.specs``: ``cpu_generation``, ``ram_gb``, ``storage_gb``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Co2Factor, Part
from refurb.compliance import device_claim
from refurb.models import Device, DeviceEvent, DevicePhoto, Drive, Erasure, NistMethod
from refurb.selectors import device_data_safety
from refurb.states import SELLABLE_STATES, State
from shop.models import (
    Buyer,
    DevicePrice,
    Kit,
    KitItem,
    PriceRule,
    Reservation,
    Sale,
    SiteLegal,
    SpecTier,
)
from shop.rules import kit_sale_refusal, part_sale_refusal, sale_refusal
from workshop.exceptions import DomainError
from workshop.selectors import sees_every_site, user_site

SPEC_KEYS = ("cpu_generation", "ram_gb", "storage_gb")


def add_months(day: date, months: int) -> date:
    """Return ``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _spec_number(specs: dict, key: str) -> Decimal:
    try:
        return Decimal(str((specs or {}).get(key) or 0))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def spec_tier_reached(tier: SpecTier, specs: dict) -> bool:
    """Tell whether specs meet every minimum of ``tier``."""
    return (
        _spec_number(specs, "cpu_generation") >= tier.min_cpu_generation
        and _spec_number(specs, "ram_gb") >= tier.min_ram_gb
        and _spec_number(specs, "storage_gb") >= tier.min_storage_gb
    )


def price_rule_for(device: Device) -> PriceRule | None:
    """Return the grid row for the device: the highest spec tier it reaches, else the fallback."""
    rules = list(
        PriceRule.objects.filter(
            category_id=device.category_id, grade_id=device.grade_id, is_active=True
        ).select_related("spec_tier")
    )
    tiered = [
        rule
        for rule in rules
        if rule.spec_tier is not None and spec_tier_reached(rule.spec_tier, device.specs)
    ]
    if tiered:
        return max(tiered, key=lambda rule: rule.spec_tier.rank)
    return next((rule for rule in rules if rule.spec_tier is None), None)


def device_price(device: Device) -> DevicePrice | None:
    """Return the price the device is on sale at (for the shop label and the counter)."""
    try:
        return device.price
    except DevicePrice.DoesNotExist:
        return None


def site_legal(site) -> SiteLegal:
    """Return the site's legal identity and shop settings, or say how to set them."""
    legal = SiteLegal.objects.filter(site=site).select_related("site").first()
    if legal is None:
        raise DomainError(
            "no_legal_identity",
            _(
                "Site %(site)s has no legal identity yet (legal name, SIRET, VAT regime): "
                "a manager enters it in the admin under “Site legal identities”."
            )
            % {"site": site.code},
            status=409,
        )
    return legal


@dataclass(frozen=True)
class BuyerTier:
    tier: str
    expired: bool
    reason: str


def buyer_tier(buyer: Buyer, legal: SiteLegal, *, now: datetime | None = None) -> BuyerTier:
    """Return the tier the buyer buys at today; refuse if eligibility expired and site says so."""
    today = timezone.localdate(now or timezone.now())
    if buyer.tier != Buyer.Tier.SOLIDARITY:
        return BuyerTier(buyer.tier, False, buyer.tier_reason)
    if buyer.eligible_until is None or today <= buyer.eligible_until:
        return BuyerTier(buyer.tier, False, buyer.tier_reason)
    if legal.expired_policy == "refuse":
        raise DomainError(
            "eligibility_expired",
            _(
                "%(name)s's eligibility expired on %(date)s: check the proof again and record "
                "it before selling at the solidarity price."
            )
            % {"name": buyer.name, "date": buyer.eligible_until.isoformat()},
            status=409,
        )
    return BuyerTier(
        Buyer.Tier.STANDARD,
        True,
        _("Eligibility expired on %(date)s: standard price until checked again.")
        % {"date": buyer.eligible_until.isoformat()},
    )


def kit_active_items(kit: Kit) -> list[KitItem]:
    return list(kit.items.filter(active=True).select_related("device__category", "device__price"))


def active_kit_of(device: Device) -> Kit | None:
    item = KitItem.objects.filter(device=device, active=True).select_related("kit").first()
    return item.kit if item else None


@dataclass
class BasketLine:
    """A device or a kit scanned at the counter, with its price for the buyer's tier."""

    code: str
    kind: str
    obj: object
    devices: list[Device]
    price: Decimal | None
    problem: str = ""


@dataclass
class Basket:
    lines: list[BasketLine] = field(default_factory=list)
    tier: str = Buyer.Tier.STANDARD

    @property
    def total(self) -> Decimal:
        return sum((line.price or Decimal("0.00") for line in self.lines), Decimal("0.00"))


def basket_lines(codes: list[str], *, tier: str, site, buyer=None) -> Basket:
    """Price each scanned code for ``tier``; lines that cannot be sold say why, with the very
    refusal ``sale_complete`` would raise (``shop.rules``)."""
    devices = {
        device.asset_tag: device
        for device in Device.objects.filter(asset_tag__in=codes).select_related(
            "category", "grade", "price"
        )
    }
    kits = {
        kit.tag: kit
        for kit in Kit.objects.filter(tag__in=codes).prefetch_related(
            Prefetch(
                "items",
                queryset=KitItem.objects.filter(active=True).select_related(
                    "device__category", "device__price"
                ),
                to_attr="active_items",
            )
        )
    }
    ids = [device.pk for device in devices.values()]
    in_kits = dict(
        KitItem.objects.filter(device_id__in=ids, active=True).values_list("device_id", "kit__tag")
    )
    reservations = {
        reservation.device_id: reservation
        for reservation in Reservation.objects.filter(
            device_id__in=ids, status=Reservation.Status.ACTIVE
        )
    }
    parts = {
        part.tag: part
        for part in Part.objects.filter(tag__in=codes).select_related(
            "drive", "origin", "fitted_in"
        )
    }
    basket = Basket(tier=tier)
    for code in codes:
        if code in parts:
            part = parts[code]
            refused = part_sale_refusal(part, site=site)
            basket.lines.append(
                BasketLine(code, "part", part, [], part.price, refused.message if refused else "")
            )
            continue
        if code in kits:
            kit = kits[code]
            refused = kit_sale_refusal(kit, site=site)
            basket.lines.append(
                BasketLine(
                    code,
                    "kit",
                    kit,
                    [item.device for item in kit.active_items],
                    kit.price_for(tier),
                    refused.message if refused else "",
                )
            )
        elif code in devices:
            device = devices[code]
            price = device_price(device)
            refused = sale_refusal(
                device,
                site=site,
                buyer=buyer,
                price=price,
                kit_tag=in_kits.get(device.pk, ""),
                reservation=reservations.get(device.pk),
            )
            basket.lines.append(
                BasketLine(
                    code,
                    "device",
                    device,
                    [device],
                    price.for_tier(tier) if price else None,
                    refused.message if refused else "",
                )
            )
    return basket


@dataclass(frozen=True)
class PublicStep:
    state: str
    label: str
    at: datetime


@dataclass(frozen=True)
class PublicDevice:
    device: Device
    available: bool
    price: DevicePrice | None = None
    erased_on: date | None = None
    erasure_methods: tuple[str, ...] = ()
    destroyed_drives: int = 0
    data_unsafe: bool = False
    steps: tuple[PublicStep, ...] = ()
    carbon: Co2Factor | None = None
    warranty_months: int = 12
    # The words ``refurb.compliance`` allows: « Reconditionné en France », « Reconditionné », "".
    claim: str = ""
    photos: tuple = ()


PUBLIC_STEPS = (State.RECEIVED, State.WIPED, State.TESTED, State.GRADED, State.ON_SALE)


def device_public(tag: str) -> PublicDevice | None:
    """Return what the public page may show about a device: no names, no donor, no person."""

    device = (
        Device.objects.select_related("category", "grade", "price", "site__legal")
        .filter(asset_tag=tag)
        .first()
    )
    if device is None:
        return None
    if device.state not in SELLABLE_STATES:
        return PublicDevice(device=device, available=False)
    prefetch_related_objects([device], "drives")
    drives = list(device.drives.all())
    if not device_data_safety(device).safe:
        # A drive recorded after the fact: never claim an erasure, never offer it for sale.
        return PublicDevice(device=device, available=False, data_unsafe=True)
    proofs = list(
        Erasure.objects.filter(
            drive__device=device, result=Erasure.Result.SUCCESS, verified=True
        ).only("method", "finished_at", "created_at")
    )
    destroyed = sum(1 for drive in drives if drive.status == Drive.Status.DESTROYED)
    erased_on = max(
        (timezone.localdate(proof.finished_at or proof.created_at) for proof in proofs),
        default=None,
    )
    methods = tuple(sorted({str(NistMethod(proof.method).label) for proof in proofs}))
    events = DeviceEvent.objects.filter(
        device=device, code=DeviceEvent.Code.TRANSITION, to_state__in=PUBLIC_STEPS
    ).only("to_state", "created_at")
    steps = [PublicStep(State.RECEIVED, str(State.RECEIVED.label), device.received_at)]
    steps += [
        PublicStep(event.to_state, str(State(event.to_state).label), event.created_at)
        for event in events.order_by("seq")
    ]
    legal = getattr(device.site, "legal", None)
    return PublicDevice(
        device=device,
        available=True,
        price=device_price(device),
        erased_on=erased_on,
        erasure_methods=methods,
        destroyed_drives=destroyed,
        steps=tuple(steps),
        carbon=Co2Factor.objects.filter(category_id=device.category_id).first(),
        warranty_months=legal.warranty_months if legal else 12,
        claim=device_claim(device),
        # Served to anyone only while on sale (``refurb:photo``): none for a reserved device.
        photos=tuple(DevicePhoto.objects.filter(device=device).order_by("position"))
        if device.state == State.ON_SALE
        else (),
    )


def sale_for_document(pk: int, *, user=None) -> Sale:
    """Return a sale with everything its invoice prints, in two queries.

    With ``user``, a sale of another site is missing exactly like a sale that does not exist
    (``Sale.DoesNotExist``): a denied request must not tell whether the other site has it.
    """
    sales = Sale.objects.all() if user is None else sales_visible_to(user)
    return sales.select_related("site", "buyer").prefetch_related("lines").get(pk=pk)


def buyers_visible_to(user):
    """Buyers ``user`` may see: every buyer for a manager, else only their site's."""

    if sees_every_site(user):
        return Buyer.objects.all()
    site = user_site(user)
    return Buyer.objects.filter(site=site) if site else Buyer.objects.none()


def sales_visible_to(user):
    """Sales ``user`` may see: every sale for a manager, else only their site's."""

    if sees_every_site(user):
        return Sale.objects.all()
    site = user_site(user)
    return Sale.objects.filter(site=site) if site else Sale.objects.none()


def buyers_search(query: str, *, user=None, limit: int = 20) -> list[Buyer]:
    query = (query or "").strip()
    buyers = Buyer.objects.all() if user is None else buyers_visible_to(user)
    if query:
        buyers = buyers.filter(name__icontains=query) | buyers.filter(siret__startswith=query)
    return list(buyers.order_by("name")[:limit])
