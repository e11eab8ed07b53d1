"""Online orders: a basket of held devices and kits, placed, prepared, handed over or shipped.

A basket is an ``Order`` in status ``basket``: each of its lines holds one device through the
shop's own ``Reservation`` (``reserved`` state), for ``ATELIER_BASKET_HOLD_MINUTES``. Placing the
order keeps the holds until shop staff hand it over (``sale_complete`` makes the sale and the
invoice) or ship it; cancellation and expiry release the devices. Every change of an order's
state is an ``OrderEvent`` (append-only, like the devices' history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from refurb.models import Device
from shop.models.accounts import BuyerAccount
from shop.models.buyers import Buyer
from shop.models.kits import Kit, Reservation
from shop.models.sales import Sale
from workshop.models import Site


class Order(models.Model):
    class Status(models.TextChoices):
        BASKET = "basket", _("Basket")
        PLACED = "placed", _("Placed")
        CONFIRMED = "confirmed", _("Confirmed")
        READY = "ready", _("Ready")
        SHIPPED = "shipped", _("Shipped")
        HANDED_OVER = "handed_over", _("Handed over")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    class Fulfilment(models.TextChoices):
        PICKUP = "pickup", _("Pick-up at the shop")
        DELIVERY = "delivery", _("Delivery")

    # The states in which the devices are still held for the buyer.
    OPEN = frozenset({Status.BASKET, Status.PLACED, Status.CONFIRMED, Status.READY})
    # What the shop staff's order screen lists: placed and not handed over yet.
    TO_PREPARE = frozenset({Status.PLACED, Status.CONFIRMED, Status.READY})

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(BuyerAccount, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("number"), max_length=24, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.BASKET
    )
    fulfilment = models.CharField(
        _("fulfilment"), max_length=10, choices=Fulfilment.choices, blank=True
    )
    delivery_address = models.TextField(_("delivery address"), blank=True)
    note = models.TextField(_("note for the shop"), blank=True)
    carrier = models.CharField(_("carrier"), max_length=80, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    sale = models.OneToOneField(
        Sale, on_delete=models.PROTECT, null=True, blank=True, related_name="order"
    )
    created_at = models.DateTimeField(_("created at"))
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(status="basket"), name="order_one_basket"
            )
        ]
        indexes = [models.Index(fields=["site", "status"], name="order_site_status")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class OrderLine(models.Model):
    """One device of an order, held by its reservation; ``kit`` when it came with a kit."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="order_lines")
    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reservation = models.OneToOneField(
        Reservation, on_delete=models.PROTECT, related_name="order_line"
    )
    picked_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["kit_id", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.device_id}"


class OrderEventImmutable(Exception):
    """An order's history is append-only."""


EVENT_LABELS = {
    "added": _("item reserved"),
    "removed": _("item removed"),
    "placed": _("order placed"),
    "confirmed": _("order confirmed"),
    "picked": _("item scanned into the order"),
    "ready": _("order ready"),
    "handed_over": _("handed over, invoiced"),
    "shipped": _("shipped, invoiced"),
    "cancelled": _("order cancelled"),
    "expired": _("hold expired"),
}


class OrderEvent(models.Model):
    """One step of an order (added, removed, placed, confirmed, picked, ready, shipped…)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    code = models.CharField(max_length=20)
    status = models.CharField(max_length=12, choices=Order.Status.choices)
    payload = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise OrderEventImmutable("An order event is never changed.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise OrderEventImmutable("An order event is never deleted.")

    @property
    def label(self) -> str:
        """What happened, in the reader's language."""
        return str(EVENT_LABELS.get(self.code, self.code))
