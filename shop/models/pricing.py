"""At what price: spec tiers, the price grid, each device's price, and buying quotas."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from refurb.models import Category, Device
from shop.models.buyers import Buyer
from shop.models.common import money_field
from workshop.units import ZERO


class SpecTier(models.Model):
    """A level of hardware (e.g. "Office", "Performance") a device reaches by its specs.

    Read from ``device.specs``: ``cpu_generation`` (int), ``ram_gb`` and ``storage_gb``
    (numbers). A device reaches a tier when it meets every minimum; the highest rank wins.
    """

    name = models.CharField(_("name"), max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0, unique=True)
    min_cpu_generation = models.PositiveSmallIntegerField(_("minimum CPU generation"), default=0)
    min_ram_gb = models.PositiveSmallIntegerField(_("minimum RAM (GB)"), default=0)
    min_storage_gb = models.PositiveIntegerField(_("minimum storage (GB)"), default=0)

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_spectier"
        verbose_name = _("spec tier")
        verbose_name_plural = _("spec tiers")
        ordering = ["-rank"]

    def __str__(self) -> str:
        return self.name


class PriceRule(models.Model):
    """One row of the price grid: category × grade × spec tier → the two prices."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    grade = models.ForeignKey(
        "refurb.Grade", on_delete=models.PROTECT, related_name="+", verbose_name=_("grade")
    )
    spec_tier = models.ForeignKey(
        SpecTier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("spec tier"),
        help_text=_("Empty: any specs (the fallback row)."),
    )
    solidarity_price = money_field(_("solidarity price"))
    standard_price = money_field(_("standard price"))
    free_of_charge = models.BooleanField(
        _("given away"),
        default=False,
        help_text=_("A giveaway programme: eligible buyers pay nothing (solidarity price 0)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_pricerule"
        verbose_name = _("price grid row")
        verbose_name_plural = _("price grid")
        ordering = ["category", "grade", "spec_tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "grade", "spec_tier"], name="pricerule_unique"
            ),
            models.UniqueConstraint(
                fields=["category", "grade"],
                condition=Q(spec_tier__isnull=True),
                name="pricerule_unique_fallback",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.grade_id} · {self.spec_tier or '*'}"

    def clean(self) -> None:
        if self.free_of_charge:
            self.solidarity_price = ZERO


class DevicePrice(models.Model):
    """The price a device was put on sale at (from the grid, or overridden by a manager)."""

    device = models.OneToOneField(
        Device, on_delete=models.PROTECT, related_name="price", verbose_name=_("device")
    )
    rule = models.ForeignKey(
        PriceRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    spec_tier_name = models.CharField(_("spec tier"), max_length=60, blank=True)
    solidarity_price = money_field(_("solidarity price"))
    standard_price = money_field(_("standard price"))
    free_of_charge = models.BooleanField(_("given away"), default=False)
    overridden = models.BooleanField(_("overridden"), default=False)
    override_reason = models.CharField(_("why overridden"), max_length=200, blank=True)
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_deviceprice"
        verbose_name = _("device price")
        verbose_name_plural = _("device prices")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.solidarity_price} / {self.standard_price}"

    def for_tier(self, tier: str) -> Decimal:
        return self.solidarity_price if tier == Buyer.Tier.SOLIDARITY else self.standard_price


class QuotaRule(models.Model):
    """A cap: a buyer of ``buyer_kind`` buys at most ``max_devices`` in ``period_months``."""

    name = models.CharField(_("name"), max_length=120)
    buyer_kind = models.CharField(_("buyer kind"), max_length=12, choices=Buyer.Kind.choices)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories (empty: all)")
    )
    max_devices = models.PositiveIntegerField(_("at most (devices)"))
    period_months = models.PositiveSmallIntegerField(_("per (months)"), default=12)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_quotarule"
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["buyer_kind", "name"]

    def __str__(self) -> str:
        return self.name
