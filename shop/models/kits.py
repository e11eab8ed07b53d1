"""What is sold together or held for a buyer: kits and reservations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from refurb.models import Device
from shop.models.buyers import Buyer
from shop.models.common import money_field
from workshop.models import Site


class Kit(models.Model):
    """Devices sold together (e.g. desktop + screen + keyboard + mouse) under one tag."""

    class Status(models.TextChoices):
        ASSEMBLED = "assembled", _("Assembled")
        SOLD = "sold", _("Sold")
        DISMANTLED = "dismantled", _("Dismantled")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    tag = models.CharField(_("tag"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    solidarity_price = money_field(_("solidarity price"))
    standard_price = money_field(_("standard price"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASSEMBLED
    )
    devices = models.ManyToManyField(Device, through="KitItem", related_name="kits")
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_kit"
        verbose_name = _("kit")
        verbose_name_plural = _("kits")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.tag} · {self.name}"

    def price_for(self, tier: str) -> Decimal:
        return self.solidarity_price if tier == Buyer.Tier.SOLIDARITY else self.standard_price


class KitItem(models.Model):
    """A device in a kit; a device belongs to at most one kit that is not dismantled."""

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="items")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="kit_items")
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("kit item")
        verbose_name_plural = _("kit items")
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_kititem"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(active=True), name="kititem_one_active_kit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kit_id}: {self.device_id}"


class Reservation(models.Model):
    """A device held for one buyer until a date."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SOLD = "sold", _("Sold")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="reservations")
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="reservations")
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_reservation"
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["expires_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(status="active"), name="reservation_one_active"
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="reservation_due")]

    def __str__(self) -> str:
        return f"{self.device_id} → {self.buyer_id} ({self.status})"
