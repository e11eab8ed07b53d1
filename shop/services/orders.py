"""Writes of online orders: the basket's holds, placing, preparing, handing over, shipping.

A hold is the shop's own reservation (``reservation_create``, the device goes ``reserved``),
for ``ATELIER_BASKET_HOLD_MINUTES``; the device row is locked while it is taken, so two buyers
never hold the same device. Eligibility (``buyer_tier``) and quotas (``quota_check``) are the
counter's; the sale and its invoice are ``sale_complete``'s, at hand-over or shipping.
Releases made by the buyer or by the expiry job act as the system, from the site's office.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from refurb.models import Device
from refurb.states import State
from shop.mail import shop_mail
from shop.models import (
    Buyer,
    BuyerAccount,
    DevicePrice,
    Kit,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    Reservation,
    SiteLegal,
)
from shop.rules import sale_refusal
from shop.selectors import buyer_tier, site_legal
from shop.services.reservations import (
    SYSTEM_ROLES,
    reservation_create,
    reservation_release,
)
from shop.services.sales import quota_check, sale_complete
from workshop import tags
from workshop.access import access_check
from workshop.exceptions import DomainError
from workshop.services import office_workstation


def hold_minutes() -> int:
    return int(getattr(settings, "ATELIER_BASKET_HOLD_MINUTES", 30))


def order_event(order: Order, event_code: str, *, actor=None, now=None, **payload) -> OrderEvent:
    """Append one step to an order's history (inside the caller's transaction)."""
    return OrderEvent.objects.create(
        order=order,
        code=event_code,
        status=order.status,
        payload=payload,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now or timezone.now(),
    )


def _taken() -> DomainError:
    return DomainError(
        "item_taken",
        _(
            "This item has just been reserved by another buyer: nothing was added. Choose "
            "another offer in the catalogue."
        ),
        status=409,
    )


def account_buyer(account: BuyerAccount, *, now: datetime | None = None) -> Buyer:
    """The buyer an approved account orders as, eligible today (the counter's rule)."""
    if account.status != BuyerAccount.Status.APPROVED or account.buyer_id is None:
        raise DomainError(
            "account_not_approved",
            _(
                "Your application has not been approved yet: you can order once the shop has "
                "checked it (you will get an e-mail)."
            ),
            status=403,
        )
    buyer = account.buyer
    tier = buyer_tier(buyer, site_legal(account.site), now=now)
    if tier.tier != Buyer.Tier.SOLIDARITY:
        raise DomainError(
            "eligibility_expired",
            _(
                "Your eligibility for solidarity prices has expired: contact the shop to have "
                "it checked again, then order."
            ),
            status=403,
        )
    return buyer


def _lock_basket(account: BuyerAccount, buyer: Buyer, now: datetime) -> Order:
    BuyerAccount.objects.select_for_update().get(pk=account.pk)
    basket = Order.objects.filter(account=account, status=Order.Status.BASKET).first()
    if basket is None:
        basket = Order.objects.create(
            site_id=account.site_id, account=account, buyer=buyer, created_at=now
        )
    return basket


def _hold(device, buyer, expires_at, now, kit=None) -> Reservation:
    return reservation_create(
        device=device,
        buyer=buyer,
        actor=None,
        workstation=office_workstation(device.site),
        roles=SYSTEM_ROLES,
        expires_at=expires_at,
        now=now,
        kit=kit,
    )


def _basket_devices(basket: Order) -> list[Device]:
    return [line.device for line in basket.lines.select_related("device", "device__category")]


def basket_add(
    *,
    account: BuyerAccount,
    site: str,
    category: str = "",
    make: str = "",
    model: str = "",
    grade: str = "",
    kit: str = "",
    now: datetime | None = None,
) -> list[OrderLine]:
    """Hold one device matching a catalogue offer (or every device of a kit) in the basket."""
    now = now or timezone.now()
    buyer = account_buyer(account, now=now)
    if (site or "").upper() != account.site.code:
        raise DomainError(
            "other_site",
            _("This offer is at another shop than yours (%(site)s): choose one of %(site)s.")
            % {"site": account.site.code},
            status=403,
        )
    expires_at = now + timedelta(minutes=hold_minutes())
    with transaction.atomic():
        basket = _lock_basket(account, buyer, now)
        if kit:
            found = Kit.objects.filter(tag=kit.strip().upper(), site_id=account.site_id).first()
            if found is None or found.status != Kit.Status.ASSEMBLED:
                raise _taken()
            members = [
                item.device
                for item in found.items.filter(active=True)
                .select_related("device", "device__category", "device__site")
                .order_by("position", "id")
            ]
            quota_check(buyer, [(d, None) for d in [*_basket_devices(basket), *members]], now)
            lines = []
            for device in members:
                try:
                    reservation = _hold(device, buyer, expires_at, now, kit=found)
                except DomainError as error:
                    if error.code in ("not_on_sale", "in_kit"):
                        raise _taken() from error
                    raise
                lines.append(
                    OrderLine.objects.create(
                        order=basket, device=device, kit=found, reservation=reservation
                    )
                )
            order_event(basket, "added", now=now, kit=found.tag)
            return lines
        candidates = (
            Device.objects.filter(
                site_id=account.site_id,
                state=State.ON_SALE,
                category__code=category,
                make=make,
                model=model,
                grade__code=grade,
                price__isnull=False,
            )
            .exclude(kit_items__active=True)
            .select_related("category", "site")
            .order_by("pk")[:20]
        )
        candidates = list(candidates)
        if not candidates:
            raise _taken()
        quota_check(buyer, [(d, None) for d in [*_basket_devices(basket), candidates[0]]], now)
        for device in candidates:
            try:
                with transaction.atomic():
                    reservation = _hold(device, buyer, expires_at, now)
            except DomainError as error:
                if error.code in ("not_on_sale", "in_kit"):
                    continue  # taken by someone else meanwhile: try the next one
                raise
            line = OrderLine.objects.create(order=basket, device=device, reservation=reservation)
            order_event(basket, "added", now=now, device=device.asset_tag)
            return [line]
        raise _taken()


def _release(lines, status, now) -> None:
    for line in lines:
        reservation = line.reservation
        if reservation.status == Reservation.Status.ACTIVE:
            reservation_release(
                reservation=reservation,
                actor=None,
                workstation=office_workstation(line.device.site),
                status=status,
                roles=SYSTEM_ROLES,
                now=now,
            )


def basket_remove(*, account: BuyerAccount, line_id: int, now: datetime | None = None) -> None:
    """Take a device (or its whole kit) out of the basket and put it back on sale."""
    now = now or timezone.now()
    with transaction.atomic():
        BuyerAccount.objects.select_for_update().get(pk=account.pk)
        line = (
            OrderLine.objects.filter(
                pk=line_id, order__account=account, order__status=Order.Status.BASKET
            )
            .select_related("order", "kit")
            .first()
        )
        if line is None:
            raise DomainError(
                "not_in_basket", _("This item is no longer in your basket."), status=404
            )
        lines = list(line.order.lines.filter(kit=line.kit) if line.kit_id else [line])
        lines = list(
            OrderLine.objects.filter(pk__in=[x.pk for x in lines]).select_related(
                "reservation", "device__site"
            )
        )
        _release(lines, Reservation.Status.RELEASED, now)
        tags = [x.device.asset_tag for x in lines]
        OrderLine.objects.filter(pk__in=[x.pk for x in lines]).delete()
        order_event(line.order, "removed", now=now, devices=tags)


def order_place(
    *,
    account: BuyerAccount,
    fulfilment: str,
    delivery_address: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Order:
    """Place the basket: every hold still valid, eligibility and quotas as at the counter.

    The holds then last the site's reservation days, until shop staff hand the order over."""
    now = now or timezone.now()
    buyer = account_buyer(account, now=now)
    if fulfilment not in Order.Fulfilment.values:
        raise DomainError(
            "invalid",
            _("Choose pick-up at the shop or delivery."),
            fields={"fulfilment": [_("Choose one.")]},
        )
    delivery_address = (delivery_address or "").strip()
    if fulfilment == Order.Fulfilment.DELIVERY and not delivery_address:
        raise DomainError(
            "invalid",
            _("Type the delivery address, or choose pick-up at the shop."),
            fields={"delivery_address": [_("Required for a delivery.")]},
        )
    with transaction.atomic():
        BuyerAccount.objects.select_for_update().get(pk=account.pk)
        basket = Order.objects.filter(account=account, status=Order.Status.BASKET).first()
        lines = (
            list(basket.lines.select_related("device__category", "reservation", "kit"))
            if basket
            else []
        )
        if not lines:
            raise DomainError(
                "empty_basket",
                _("Your basket is empty: reserve items in the catalogue first."),
            )
        reservations = Reservation.objects.select_for_update().filter(
            pk__in=[line.reservation_id for line in lines]
        )
        by_pk = {r.pk: r for r in reservations}
        for line in lines:
            held = by_pk[line.reservation_id]
            if held.status != Reservation.Status.ACTIVE or held.expires_at <= now:
                raise DomainError(
                    "hold_expired",
                    _(
                        "The hold on %(item)s has expired: remove it from your basket and "
                        "reserve it again in the catalogue. Nothing was ordered."
                    )
                    % {"item": line.kit.tag if line.kit_id else line.device.asset_tag},
                    status=409,
                )
        devices = Device.objects.select_for_update().filter(
            pk__in=[line.device_id for line in lines]
        )
        locked = {d.pk: d for d in devices.select_related("category")}
        prices = {p.device_id: p for p in DevicePrice.objects.filter(device_id__in=list(locked))}
        for line in lines:
            refused = sale_refusal(
                locked[line.device_id],
                site=basket.site,
                buyer=buyer,
                price=prices.get(line.device_id),
                reservation=by_pk[line.reservation_id],
            )
            if refused is not None:
                raise refused
        quota_check(buyer, [(locked[line.device_id], None) for line in lines], now)
        legal = SiteLegal.objects.filter(site_id=basket.site_id).first()
        until = now + timedelta(days=legal.reservation_days if legal else 7)
        Reservation.objects.filter(pk__in=list(by_pk)).update(expires_at=until)
        basket.status = Order.Status.PLACED
        basket.fulfilment = fulfilment
        basket.delivery_address = delivery_address if fulfilment == "delivery" else ""
        basket.note = (note or "").strip()
        basket.placed_at = now
        basket.number = f"{basket.site.code}-CMD-{basket.pk:06d}"
        basket.save()
        order_event(basket, "placed", now=now, fulfilment=fulfilment, until=until.isoformat())
        _order_mail(basket, "order_placed")
    return basket


def _item_names(lines) -> list[str]:
    return [
        " ".join(p for p in (line.device.make, line.device.model) if p) or line.device.category.name
        for line in lines
    ]


def _order_mail(order: Order, template: str, *, actor=None, attachments=None, **extra) -> None:
    lines = list(order.lines.select_related("device__category", "kit"))
    shop_mail(
        to=order.account.email,
        template=f"shop/mail/{template}",
        context={
            "order_number": order.number,
            "account_name": order.account.legal_name,
            "contact": order.account.contact_name,
            "fulfilment": order.get_fulfilment_display(),
            "pickup": order.fulfilment == Order.Fulfilment.PICKUP,
            "shop": order.site.name,
            "items": _item_names(lines),
            "carrier": order.carrier,
            "tracking_number": order.tracking_number,
            "invoice_number": order.sale.number if order.sale_id else "",
            **extra,
        },
        site=order.site,
        actor=actor,
        attachments=attachments,
        language=order.account.language,
    )


def _staff_order(order: Order, actor, action: str = "prepare") -> Order:
    access_check("order", action, site=order.site_id, actor=actor)
    return (
        Order.objects.select_for_update()
        .select_related("site", "account", "buyer")
        .get(pk=order.pk)
    )


def _refuse_status(order: Order, wanted) -> None:
    if order.status not in wanted:
        raise DomainError(
            "order_status",
            _("Order %(number)s is “%(status)s”: this step is not possible now.")
            % {"number": order.number, "status": order.get_status_display()},
            status=409,
        )


def order_confirm(*, order: Order, actor, now: datetime | None = None) -> Order:
    """Shop staff accept a placed order (they will prepare it)."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _staff_order(order, actor)
        _refuse_status(order, {Order.Status.PLACED})
        order.status = Order.Status.CONFIRMED
        order.save(update_fields=["status"])
        order_event(order, "confirmed", actor=actor, now=now)
    return order


def order_pick(*, order: Order, code: str, actor, now: datetime | None = None) -> Order:
    """Scan a device (or its kit) into the order being prepared; the last one makes it ready."""
    now = now or timezone.now()

    code = tags.normalize(code or "")
    with transaction.atomic():
        order = _staff_order(order, actor)
        _refuse_status(order, {Order.Status.PLACED, Order.Status.CONFIRMED})
        lines = list(order.lines.select_related("device", "kit"))
        matched = [
            line
            for line in lines
            if line.device.asset_tag == code or (line.kit_id and line.kit.tag == code)
        ]
        if not matched:
            raise DomainError(
                "not_in_order",
                _(
                    "“%(code)s” is not in order %(number)s: put it back and scan a device of "
                    "the picking list."
                )
                % {"code": code, "number": order.number},
                status=409,
            )
        fresh = [line for line in matched if line.picked_at is None]
        OrderLine.objects.filter(pk__in=[line.pk for line in fresh]).update(
            picked_at=now, picked_by=actor
        )
        if order.status == Order.Status.PLACED:
            order.status = Order.Status.CONFIRMED
            order.save(update_fields=["status"])
            order_event(order, "confirmed", actor=actor, now=now)
        if fresh:
            order_event(order, "picked", actor=actor, now=now, code=code)
        if not OrderLine.objects.filter(order=order, picked_at__isnull=True).exists():
            order.status = Order.Status.READY
            order.save(update_fields=["status"])
            order_event(order, "ready", actor=actor, now=now)
            _order_mail(order, "order_ready", actor=actor)
    return order


def _sell(order: Order, *, actor, workstation, payment_method, now):
    lines = list(order.lines.select_related("device", "kit"))
    items, kits_seen = [], set()
    for line in lines:
        if line.kit_id:
            if line.kit_id not in kits_seen:
                kits_seen.add(line.kit_id)
                items.append(line.kit)
        else:
            items.append(line.device)
    return sale_complete(
        site=order.site,
        buyer=order.buyer,
        items=items,
        payment_method=payment_method,
        actor=actor,
        workstation=workstation,
        now=now,
    )


def _invoice_attachment(sale):
    def build():
        from shop.invoices import invoice_pdf

        return [(f"facture-{sale.number}.pdf", invoice_pdf(sale), "application/pdf")]

    return build


def order_hand_over(
    *,
    order: Order,
    actor,
    workstation,
    payment_method: str = PaymentMethod.TRANSFER,
    now: datetime | None = None,
) -> Order:
    """Hand a ready order over at the shop: ``sale_complete`` makes the sale and invoice."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _staff_order(order, actor, "hand_over")
        _refuse_status(order, {Order.Status.READY})
        if order.fulfilment != Order.Fulfilment.PICKUP:
            raise DomainError(
                "order_delivery",
                _("This order is delivered: ship it with the carrier and tracking number."),
                status=409,
            )
        sale = _sell(
            order, actor=actor, workstation=workstation, payment_method=payment_method, now=now
        )
        order.sale = sale
        order.status = Order.Status.HANDED_OVER
        order.closed_at = now
        order.save(update_fields=["sale", "status", "closed_at"])
        order_event(order, "handed_over", actor=actor, now=now, invoice=sale.number)
        _order_mail(order, "order_invoice", actor=actor, attachments=_invoice_attachment(sale))
    return order


def order_ship(
    *,
    order: Order,
    actor,
    workstation,
    carrier: str,
    tracking_number: str,
    payment_method: str = PaymentMethod.TRANSFER,
    now: datetime | None = None,
) -> Order:
    """Ship a ready order: the carrier and tracking number, the sale and its invoice."""
    now = now or timezone.now()
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    fields = {}
    if not carrier:
        fields["carrier"] = [_("Type the carrier.")]
    if not tracking_number:
        fields["tracking_number"] = [_("Type the tracking number.")]
    if fields:
        raise DomainError(
            "invalid", _("Type the carrier and the tracking number, then ship."), fields=fields
        )
    with transaction.atomic():
        order = _staff_order(order, actor, "hand_over")
        _refuse_status(order, {Order.Status.READY})
        if order.fulfilment != Order.Fulfilment.DELIVERY:
            raise DomainError(
                "order_pickup",
                _("This order is picked up at the shop: hand it over instead."),
                status=409,
            )
        sale = _sell(
            order, actor=actor, workstation=workstation, payment_method=payment_method, now=now
        )
        order.sale = sale
        order.carrier = carrier[:80]
        order.tracking_number = tracking_number[:80]
        order.status = Order.Status.SHIPPED
        order.closed_at = now
        order.save(update_fields=["sale", "carrier", "tracking_number", "status", "closed_at"])
        order_event(
            order,
            "shipped",
            actor=actor,
            now=now,
            invoice=sale.number,
            carrier=order.carrier,
            tracking=order.tracking_number,
        )
        _order_mail(order, "order_shipped", actor=actor)
        _order_mail(order, "order_invoice", actor=actor, attachments=_invoice_attachment(sale))
    return order


def order_cancel(
    *,
    order: Order,
    actor=None,
    account: BuyerAccount | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Order:
    """Cancel an order not handed over yet (its buyer, or shop staff): every device back on
    sale."""
    now = now or timezone.now()
    with transaction.atomic():
        if account is not None:
            if order.account_id != account.pk:
                raise DomainError("not_found", _("No such order."), status=404)
            order = Order.objects.select_for_update().get(pk=order.pk)
        else:
            order = _staff_order(order, actor)
        _refuse_status(order, Order.TO_PREPARE)
        lines = list(order.lines.select_related("reservation", "device__site"))
        _release(lines, Reservation.Status.RELEASED, now)
        order.status = Order.Status.CANCELLED
        order.closed_at = now
        order.save(update_fields=["status", "closed_at"])
        order_event(
            order,
            "cancelled",
            actor=actor,
            now=now,
            reason=(reason or "").strip()[:200],
            by="buyer" if account is not None else "shop",
        )
        _order_mail(
            order,
            "order_cancelled",
            actor=actor,
            by_buyer=account is not None,
            reason=(reason or "").strip()[:200],
        )
    return order


def orders_expire(*, now: datetime | None = None) -> list[Order]:
    """Release the holds that have expired: a basket loses those items (the rest stay held
    for their own time), a placed order not handed over in time is closed as expired with
    every device back on sale. Run by ``expire_reservations`` before the other
    reservations."""
    now = now or timezone.now()
    due = (
        Order.objects.filter(
            status__in=Order.OPEN,
            lines__reservation__status=Reservation.Status.ACTIVE,
            lines__reservation__expires_at__lte=now,
        )
        .distinct()
        .order_by("pk")
    )
    done = []
    for order in due:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order.pk)
            if order.status not in Order.OPEN:
                continue
            lines = list(
                order.lines.select_related("reservation", "device__site", "device__category")
            )
            if order.status == Order.Status.BASKET:
                lines = [
                    line
                    for line in lines
                    if line.reservation.status == Reservation.Status.ACTIVE
                    and line.reservation.expires_at <= now
                ]
                # A kit goes as a whole.
                kits = {line.kit_id for line in lines if line.kit_id}
                if kits:
                    expired_pks = [line.pk for line in lines]
                    lines = list(
                        OrderLine.objects.filter(order=order)
                        .filter(Q(kit_id__in=kits) | Q(pk__in=expired_pks))
                        .select_related("reservation", "device__site", "device__category")
                    )
            _release(lines, Reservation.Status.EXPIRED, now)
            tags = [line.device.asset_tag for line in lines]
            if order.status == Order.Status.BASKET:
                # Named before the lines go: the mail lists what is no longer held.
                items = _item_names(lines)
                OrderLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
                _order_mail(order, "basket_expired", items=items, minutes=hold_minutes())
            else:
                order.status = Order.Status.EXPIRED
                order.closed_at = now
                order.save(update_fields=["status", "closed_at"])
                _order_mail(order, "order_expired")
            order_event(order, "expired", now=now, devices=tags)
            done.append(order)
    return done
