"""Parts as stock: what was taken out of a device (harvested or removed in a repair), with
its ``P`` tag, its origin, its specs, its test status, where it is and what became of it.

French law (décret 2021-1944) asks repairers to offer used parts, so each part's origin
device is kept. A part drive keeps the ``refurb.Drive`` row of its erasure evidence
(``Part.drive``): without a proof of erasure or a destruction it is never fitted, sold or
shipped (``inventory.parts.part_leave_refusal``). Every change of a part is one
``PartMovement`` row, written by ``inventory.services.parts`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refurb.models import Device, Drive, Repair
from workshop.models import Site


class Part(models.Model):
    """One part in (or out of) the stock of a site."""

    class Category(models.TextChoices):
        MEMORY = "memory", _("Memory module")
        DRIVE = "drive", _("Drive")
        BATTERY = "battery", _("Battery")
        CHARGER = "charger", _("Charger")
        SCREEN = "screen", _("Screen")
        KEYBOARD = "keyboard", _("Keyboard")
        POWER_SUPPLY = "power_supply", _("Power supply")
        OTHER = "other", _("Other part")

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", _("In stock")
        FITTED = "fitted", _("Fitted in a device")
        SOLD = "sold", _("Sold")
        RECYCLED = "recycled", _("Recycled")
        DESTROYED = "destroyed", _("Destroyed")

    class TestStatus(models.TextChoices):
        UNTESTED = "untested", _("Not tested")
        PASSED = "passed", _("Works")
        FAILED = "failed", _("Faulty")

    # The statuses of a part that has left the building.
    LEFT = frozenset({Status.SOLD, Status.RECYCLED})

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="parts", verbose_name=_("site")
    )
    tag = models.CharField(_("tag"), max_length=20, unique=True, editable=False)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.CharField(_("description"), max_length=160, blank=True)
    specs = models.JSONField(_("specifications"), default=dict, blank=True)
    origin = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        related_name="parts_taken",
        verbose_name=_("origin device"),
    )
    # A part drive: the drive row whose erasures and destruction are its evidence.
    drive = models.OneToOneField(
        Drive,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="part",
        verbose_name=_("drive"),
    )
    repair = models.ForeignKey(
        Repair,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts_removed",
        verbose_name=_("removed during repair"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_STOCK
    )
    test_status = models.CharField(
        _("test status"), max_length=10, choices=TestStatus.choices, default=TestStatus.UNTESTED
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("location"),
    )
    fitted_in = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts_fitted",
        verbose_name=_("fitted in"),
    )
    price = models.DecimalField(
        _("counter price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("taken out at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken out by"),
    )

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["site", "status", "category"], name="part_site_status"),
            # The list of parts in stock, newest first (inventory.selectors.parts_in_stock).
            models.Index(fields=["site", "status", "-created_at"], name="part_stock_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(drive__isnull=True) | models.Q(category="drive"),
                name="part_drive_is_a_drive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag} · {self.get_category_display()}"


class PartMovement(models.Model):
    """One change of a part: taken out, tested, moved, fitted, sold, recycled, destroyed."""

    class Kind(models.TextChoices):
        REMOVED = "removed", _("Taken out")
        TESTED = "tested", _("Tested")
        MOVED = "moved", _("Moved")
        FITTED = "fitted", _("Fitted")
        SOLD = "sold", _("Sold")
        RETURNED = "returned", _("Returned by its buyer")
        RECYCLED = "recycled", _("Recycled")
        DESTROYED = "destroyed", _("Destroyed")

    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="movements", verbose_name=_("part")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("device"),
    )
    repair = models.ForeignKey(
        Repair,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="part_movements",
        verbose_name=_("repair"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    workstation = models.ForeignKey(
        "workshop.Workstation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("workstation"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("part movement")
        verbose_name_plural = _("part movements")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.part_id} · {self.kind}"


class StocktakePartScan(models.Model):
    """A part's label found during a stocktake (a part counts once, where first found)."""

    stocktake = models.ForeignKey(
        "inventory.Stocktake",
        on_delete=models.CASCADE,
        related_name="part_scans",
        verbose_name=_("stocktake"),
    )
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part")
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("found at"),
    )
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scanned by"),
    )
    scanned_at = models.DateTimeField(_("scanned at"), default=timezone.now)

    class Meta:
        verbose_name = _("stocktake part scan")
        verbose_name_plural = _("stocktake part scans")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "part"], name="stocktakepartscan_unique")
        ]

    device_id = None  # read like a device scan by the stocktake screens
    device = None

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return self.part.tag
