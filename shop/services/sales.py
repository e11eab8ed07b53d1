"""Writes of sales: the invoice and its gapless number, in one transaction.

A sale locks, in this order, the buyer, the kits, the devices (by id) and the site's invoice
counter, so concurrent sales never deadlock and a device is sold once. The invoice number is
taken from a counter row in the same transaction as the sale: a sale that fails rolls the
number back with it, so numbers have no gap (never a database sequence).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Part, PartMovement
from refurb.models import Device
from refurb.proofs import proof_issue
from refurb.selectors import installed_systems
from refurb.services import device_transition
from refurb.states import State
from shop.models import (
    LEGAL_GUARANTEE_MONTHS,
    NORMAL_VAT_RATE,
    Buyer,
    DevicePrice,
    DocumentCounter,
    Kit,
    KitItem,
    PartSaleLine,
    PaymentMethod,
    QuotaRule,
    Reservation,
    Sale,
    SaleLine,
    VatRegime,
)
from shop.rules import kit_sale_refusal, part_sale_refusal, sale_refusal
from shop.selectors import add_months, buyer_tier, site_legal
from workshop import tags, typography
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.roles import MANAGER
from workshop.units import CENT, ZERO, to_cents

SYSTEM_ROLES = frozenset({MANAGER})


def _next_number(site: Site, kind: str, year: int) -> int:
    """Take the next number of a gapless counter; the caller's transaction holds the lock."""
    try:
        counter = DocumentCounter.objects.select_for_update().get(site=site, kind=kind, year=year)
    except DocumentCounter.DoesNotExist:
        try:
            with transaction.atomic():
                counter = DocumentCounter.objects.create(site=site, kind=kind, year=year)
        except IntegrityError:
            counter = DocumentCounter.objects.select_for_update().get(
                site=site, kind=kind, year=year
            )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def invoice_number(site_code: str, year: int, seq: int) -> str:
    return f"{site_code}-{year}-{seq:06d}"


def credit_note_number(site_code: str, year: int, seq: int) -> str:
    return f"{site_code}-AV-{year}-{seq:06d}"


def line_vat(price: Decimal, regime: str) -> Decimal:
    """VAT inside a VAT-inclusive price: only the normal regime shows it."""
    if regime != VatRegime.NORMAL:
        return ZERO
    return (price * NORMAL_VAT_RATE / (1 + NORMAL_VAT_RATE)).quantize(CENT, ROUND_HALF_UP)


def share_out(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``, to the cent, summing exactly to ``total``."""
    if not weights:
        return []
    base = sum(weights, ZERO)
    if base == 0:
        weights, base = [Decimal(1)] * len(weights), Decimal(len(weights))
    shares = [(total * weight / base).quantize(CENT, ROUND_HALF_UP) for weight in weights]
    shares[-1] += total - sum(shares, ZERO)
    return shares


def quota_check(buyer: Buyer, lines: list[tuple[Device, Decimal]], now: datetime) -> None:
    """Raise ``quota_exceeded`` naming the rule and the day it frees up."""
    rules = QuotaRule.objects.filter(buyer_kind=buyer.kind, is_active=True).prefetch_related(
        "categories"
    )
    for rule in rules:
        category_ids = {category.pk for category in rule.categories.all()}
        counted = [d for d, _p in lines if not category_ids or d.category_id in category_ids]
        if not counted:
            continue
        since = add_months(timezone.localdate(now), -rule.period_months)
        past = SaleLine.objects.filter(
            sale__buyer=buyer, sale__completed_at__date__gt=since, returned=False
        )
        if category_ids:
            past = past.filter(device__category_id__in=category_ids)
        dates = sorted(past.values_list("sale__completed_at", flat=True))
        excess = len(dates) + len(counted) - rule.max_devices
        if excess <= 0:
            continue
        if len(counted) > rule.max_devices:
            frees = _("never in a single sale: sell at most %(n)s at once") % {
                "n": rule.max_devices
            }
        else:
            frees = add_months(timezone.localdate(dates[excess - 1]), rule.period_months)
            frees = frees.isoformat()
        raise DomainError(
            "quota_exceeded",
            _(
                "Quota “%(rule)s” reached: %(name)s may buy at most %(max)s device(s) every "
                "%(months)s months and already bought %(count)s. It frees up on %(date)s."
            )
            % {
                "rule": rule.name,
                "name": buyer.name,
                "max": rule.max_devices,
                "months": rule.period_months,
                "count": len(dates),
                "date": frees,
            },
            fields={"quota": [rule.name], "frees_up_on": [frees]},
            status=409,
        )


def _resolve_items(items: Iterable) -> tuple[list[Kit], list[Device], list[Part]]:
    kits, devices, parts, seen = [], [], [], set()
    for item in items:
        if isinstance(item, str):
            code = tags.normalize(item)
            obj = (
                Kit.objects.filter(tag=code).first()
                or Device.objects.filter(asset_tag=code).first()
                or Part.objects.filter(tag=code).first()
            )
            if obj is None:
                raise DomainError(
                    "scan_unknown",
                    _("“%(code)s” is neither a device, a kit nor a part.") % {"code": item},
                    status=404,
                )
            item = obj
        key = (type(item).__name__, item.pk)
        if key in seen:
            raise DomainError(
                "duplicate_item", _("%(item)s is scanned twice.") % {"item": item}, status=400
            )
        seen.add(key)
        if isinstance(item, Kit):
            kits.append(item)
        elif isinstance(item, Part):
            parts.append(item)
        else:
            devices.append(item)
    if not kits and not devices and not parts:
        raise DomainError("empty_sale", _("Scan at least one device or kit."))
    return kits, devices, parts


def cash_change(total: Decimal, given: Decimal | None, payment_method: str) -> Decimal | None:
    """The change to give back on a cash payment of ``given`` (None when nothing was typed)."""
    if given is None:
        return None
    if payment_method != PaymentMethod.CASH:
        raise DomainError(
            "cash_not_cash",
            _("The cash received is for a cash payment: choose “cash” or leave it empty."),
            fields={"cash_given": [_("Only for a cash payment.")]},
        )
    given = to_cents(given)
    if given < total:
        raise DomainError(
            "cash_short",
            _("%(given)s received is less than the total of %(total)s: nothing was sold.")
            % {"given": typography.money(given), "total": typography.money(total)},
            fields={"cash_given": [_("Less than the total.")]},
        )
    return given - total


def sale_complete(
    *,
    site: Site,
    buyer: Buyer,
    items: Iterable,
    payment_method: str,
    actor,
    workstation=None,
    roles: frozenset[str] | None = None,
    now: datetime | None = None,
    payment_hook: Callable[[Sale], None] | None = None,
    cash_given: Decimal | None = None,
) -> Sale:
    """Sell devices and kits to ``buyer`` in one transaction and number the invoice.

    ``roles`` overrides the actor's roles (a workstation token without a badge acts with its
    kind's roles). ``cash_given`` is what the buyer hands over for a cash payment: less than
    the total is a refusal (``cash_short``), and the sale returned says the change to give
    (``change_due``).

    Each device must be on sale, or reserved for this buyer; a device in a kit is sold only
    with its kit. Prices come from the buyer's tier (standard if eligibility expired, or a
    refusal, per the site's settings); quotas are checked. ``payment_hook(sale)`` runs last,
    after the number is taken: if it raises (payment refused), nothing is kept, no number used.
    """

    now = now or timezone.now()
    if payment_method not in PaymentMethod.values:
        raise DomainError(
            "invalid",
            _("Choose how the buyer pays."),
            fields={"payment_method": [_("Unknown payment method.")]},
        )
    kits, loose, loose_parts = _resolve_items(items)
    legal = site_legal(site)
    with transaction.atomic():
        buyer = Buyer.objects.select_for_update().get(pk=buyer.pk)
        tier = buyer_tier(buyer, legal, now=now)
        kits = list(
            Kit.objects.select_for_update().filter(pk__in=[k.pk for k in kits]).order_by("pk")
        )
        kit_devices: dict[int, list[int]] = {}
        for kit in kits:
            refused = kit_sale_refusal(kit, site=site)
            if refused is not None:
                raise refused
            kit_devices[kit.pk] = list(
                kit.items.filter(active=True)
                .order_by("position", "id")
                .values_list("device_id", flat=True)
            )
        ids = [d.pk for d in loose] + [pk for pks in kit_devices.values() for pk in pks]
        locked = {
            device.pk: device
            for device in Device.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("category")
            .order_by("pk")
        }
        prices = {p.device_id: p for p in DevicePrice.objects.filter(device_id__in=ids)}
        in_kits = dict(
            KitItem.objects.filter(device_id__in=[d.pk for d in loose], active=True).values_list(
                "device_id", "kit__tag"
            )
        )
        reservations = {
            r.device_id: r
            for r in Reservation.objects.select_for_update().filter(
                device_id__in=ids, status=Reservation.Status.ACTIVE
            )
        }
        for pk in ids:
            refused = sale_refusal(
                locked[pk],
                site=site,
                buyer=buyer,
                price=prices.get(pk),
                kit_tag=in_kits.get(pk, ""),
                reservation=reservations.get(pk),
            )
            if refused is not None:
                raise refused
        parts = list(
            Part.objects.select_for_update(of=("self",))
            .select_related("drive", "origin", "fitted_in")
            .filter(pk__in=[p.pk for p in loose_parts])
            .order_by("pk")
        )
        for part in parts:
            refused = part_sale_refusal(part, site=site)
            if refused is not None:
                raise refused
        # (device, kit, price) in invoice order.
        planned: list[tuple[Device, Kit | None, Decimal]] = [
            (locked[d.pk], None, prices[d.pk].for_tier(tier.tier)) for d in loose
        ]
        for kit in kits:
            members = [locked[pk] for pk in kit_devices[kit.pk]]
            weights = [prices[m.pk].for_tier(tier.tier) for m in members]
            shares = share_out(kit.price_for(tier.tier), weights)
            planned += [(m, kit, share) for m, share in zip(members, shares, strict=True)]
        quota_check(buyer, [(device, price) for device, _kit, price in planned], now)
        total = sum((price for _d, _k, price in planned), ZERO) + sum(
            (part.price for part in parts), ZERO
        )
        if (total == ZERO) != (payment_method == PaymentMethod.FREE):
            raise DomainError(
                "payment_mismatch",
                _("A sale of %(total)s is paid by cash, card, cheque or transfer.")
                % {"total": typography.money(total)}
                if total
                else _("Nothing to pay: choose “free of charge”."),
                fields={"payment_method": [_("Does not match the total.")]},
            )
        change_due = cash_change(total, cash_given, payment_method)
        today = timezone.localdate(now)
        year = today.year
        professional = buyer.kind in Buyer.ORGANISATIONS
        warranty_until = add_months(today, legal.warranty_months)
        # The legal guarantee of conformity protects consumers only: 12 months for refurbished
        # goods (art. L. 217-7 code de la consommation); professionals have the hidden-defects
        # guarantee of the code civil, printed on the invoice.
        legal_until = None if professional else add_months(today, LEGAL_GUARANTEE_MONTHS)
        seq = _next_number(site, DocumentCounter.Kind.INVOICE, year)
        sale = Sale.objects.create(
            site=site,
            number=invoice_number(site.code, year, seq),
            year=year,
            seq=seq,
            buyer=buyer,
            tier=tier.tier,
            payment_method=payment_method,
            vat_regime=legal.vat_regime,
            total=total,
            warranty_until=warranty_until,
            due_on=today + timedelta(days=legal.payment_days),
            seller={
                "legal_name": legal.legal_name,
                "siret": legal.siret,
                "address": legal.address,
                "vat_number": legal.vat_number,
                # Empty: the legal rate (ECB + 10 points), stated in words on the invoice.
                "late_penalty_rate": (
                    "" if legal.late_penalty_rate is None else str(legal.late_penalty_rate)
                ),
                "warranty_months": legal.warranty_months,
            },
            buyer_snapshot={
                "name": buyer.name,
                "kind": buyer.kind,
                "address": buyer.address,
                "rna": buyer.rna,
                "siret": buyer.siret or buyer.siren,
                "tier_reason": tier.reason,
                "professional": professional,
            },
            completed_at=now,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            workstation=workstation,
        )
        systems = installed_systems([device.pk for device, _kit, _price in planned])
        lines = []
        for position, (device, kit, price) in enumerate(planned, start=1):
            lines.append(
                SaleLine(
                    sale=sale,
                    device=device,
                    kit=kit,
                    position=position,
                    asset_tag=device.asset_tag,
                    serial_number=device.serial_number,
                    description=" ".join(p for p in (device.make, device.model) if p)
                    or device.category.name,
                    category_code=device.category.code,
                    system=systems.get(device.pk, ""),
                    price=price,
                    vat=line_vat(price, legal.vat_regime),
                    legal_guarantee_until=legal_until,
                    commercial_warranty_until=warranty_until,
                )
            )
        SaleLine.objects.bulk_create(lines)  # sets each line's pk (PostgreSQL, SQLite ≥ 3.35)
        part_lines = [
            PartSaleLine(
                sale=sale,
                part=part,
                position=len(lines) + position,
                tag=part.tag,
                description=" ".join(
                    bit for bit in (part.get_category_display(), part.description) if bit
                )[:200],
                category_code=f"part:{part.category}",
                origin_tag=part.origin.asset_tag,
                price=part.price,
                vat=line_vat(part.price, legal.vat_regime),
            )
            for position, part in enumerate(parts, start=1)
        ]
        PartSaleLine.objects.bulk_create(part_lines)
        for part in parts:
            part.status = Part.Status.SOLD
            part.location = None
            part.save(update_fields=["status", "location"])
            PartMovement.objects.create(
                part=part,
                kind=PartMovement.Kind.SOLD,
                note=sale.number,
                actor=sale.actor,
                workstation=workstation,
                created_at=now,
            )
        sale.vat_total = sum((line.vat for line in [*lines, *part_lines]), ZERO)
        sale.save(update_fields=["vat_total"])
        Reservation.objects.filter(pk__in=[r.pk for r in reservations.values()]).update(
            status=Reservation.Status.SOLD
        )
        for (device, kit, price), line in zip(planned, lines, strict=True):
            device_transition(
                device=device,
                to=State.SOLD,
                actor=actor,
                workstation=workstation,
                roles=roles,
                payload={"invoice": sale.number, "price": str(price), "kit": kit and kit.tag},
                now=now,
                proof=proof_issue("sale", line),
            )
        Kit.objects.filter(pk__in=[k.pk for k in kits]).update(status=Kit.Status.SOLD)
        KitItem.objects.filter(kit__in=kits).update(active=False)
        if payment_hook is not None:
            payment_hook(sale)
    sale.change_due = change_due
    return sale
