"""What managers audit: stocktakes (scans and reconciled lines), recycling shipment lines and
the CO2e factors behind the reuse estimate.

A stocktake compares what workers scan on the shelves with what the system believes; each
difference becomes a ``StocktakeLine`` a manager resolves before the stocktake is closed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models.core import Location
from refurb.models import Category, Device
from refurb.states import State
from workshop.models import Site
from workshop.units import ZERO_KG


class Stocktake(models.Model):
    """A physical count of a site, or of some of its locations, at one moment."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="stocktakes", verbose_name=_("site")
    )
    locations = models.ManyToManyField(
        Location,
        related_name="stocktakes",
        blank=True,
        verbose_name=_("locations"),
        help_text=_("Leave empty to count the whole site."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, editable=False
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.site.code} · {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class StocktakeScan(models.Model):
    """One label found during a stocktake; a code counts once however often it is scanned."""

    stocktake = models.ForeignKey(
        Stocktake,
        db_index=False,
        on_delete=models.CASCADE,
        related_name="scans",
        verbose_name=_("stocktake"),
    )
    code = models.CharField(_("code"), max_length=80)
    device = models.ForeignKey(
        Device,
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("device"),
    )
    location = models.ForeignKey(
        Location,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("found at"),
    )
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scanned by"),
    )
    scanned_at = models.DateTimeField(_("scanned at"), default=timezone.now)

    class Meta:
        verbose_name = _("stocktake scan")
        verbose_name_plural = _("stocktake scans")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "code"], name="stocktakescan_unique_code")
        ]
        indexes = [models.Index(fields=["stocktake", "device"], name="stocktakescan_device")]

    def __str__(self) -> str:
        return self.code


class StocktakeLine(models.Model):
    """One reconciled finding of a stocktake and what the manager decided about it."""

    class Kind(models.TextChoices):
        FOUND = "found", _("Found where expected")
        ELSEWHERE = "elsewhere", _("Found elsewhere")
        MISSING = "missing", _("Missing")
        UNEXPECTED = "unexpected", _("Not expected (no longer held)")
        UNKNOWN = "unknown", _("Unknown label")

    class Resolution(models.TextChoices):
        PENDING = "", _("To resolve")
        NONE_NEEDED = "ok", _("Nothing to do")
        MOVE = "move", _("Move to where it was found")
        WRITE_OFF = "write_off", _("Write off")
        FOUND_AGAIN = "found_again", _("Found again: back to its previous state")
        IGNORE = "ignore", _("Ignore")

    stocktake = models.ForeignKey(
        Stocktake,
        db_index=False,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("stocktake"),
    )
    code = models.CharField(_("code"), max_length=80)
    kind = models.CharField(_("finding"), max_length=10, choices=Kind.choices)
    device = models.ForeignKey(
        Device,
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("device"),
    )
    device_state = models.CharField(_("state"), max_length=16, choices=State.choices, blank=True)
    expected_location = models.ForeignKey(
        Location,
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("expected at"),
    )
    scanned_location = models.ForeignKey(
        Location,
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("found at"),
    )
    resolution = models.CharField(
        _("resolution"), max_length=12, choices=Resolution.choices, blank=True, default=""
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "code"], name="stocktakeline_unique_code")
        ]
        indexes = [models.Index(fields=["stocktake", "resolution"], name="stocktakeline_todo")]

    def __str__(self) -> str:
        return f"{self.code} · {self.get_kind_display()}"


class Co2Factor(models.Model):
    """Greenhouse gases avoided when one device of a category is reused, with its source."""

    category = models.OneToOneField(
        Category, on_delete=models.CASCADE, related_name="co2_factor", verbose_name=_("category")
    )
    kg_co2e_per_unit = models.DecimalField(
        _("kg CO2e avoided per reused unit"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(ZERO_KG)],
    )
    source = models.TextField(_("source"))
    source_url = models.URLField(_("source address"), blank=True)

    class Meta:
        verbose_name = _("CO2e factor")
        verbose_name_plural = _("CO2e factors")
        ordering = ["category__order"]

    def __str__(self) -> str:
        return f"{self.category} · {self.kg_co2e_per_unit} kg CO2e"
