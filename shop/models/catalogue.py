"""The public catalogue, kept ready to read: one row per device listed and one per offer.

An *offer* is what a buyer chooses from: the devices on sale of one category, make, model and
grade at one site (``kind = device``), or one kit (``kind = kit``). ``CatalogueUnit`` is one
device on sale with what the catalogue shows and filters on, flattened from its specs, price,
installed system, photos and the « reconditionné » words ``refurb.compliance`` allows;
``CatalogueOffer`` sums its units. Both are derived data, written only by
``shop.services.catalogue`` (after every event of a device, and rebuilt whole by
``manage.py catalogue_rebuild``), so the catalogue's pages read a few indexed rows whatever
the number of devices on sale. Neither holds a serial number, a donor or a person.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from refurb.models import Category, Device, DevicePhoto, Grade
from shop.models.kits import Kit
from workshop.models import Site

# The words of ``refurb.compliance``, ranked so an offer says only what every unit may say.
CLAIM_NONE, CLAIM_REFURBISHED, CLAIM_FRANCE = 0, 1, 2


class CatalogueOffer(models.Model):
    class Kind(models.TextChoices):
        DEVICE = "device", _("device")
        KIT = "kit", _("kit")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.DEVICE)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    make = models.CharField(max_length=80, blank=True)
    model = models.CharField(max_length=120, blank=True)
    grade = models.ForeignKey(
        Grade, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    kit = models.OneToOneField(
        Kit, on_delete=models.CASCADE, null=True, blank=True, related_name="catalogue_offer"
    )
    units = models.PositiveIntegerField(default=0)
    solidarity_min = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    solidarity_max = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    standard_min = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    standard_max = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    free_units = models.PositiveIntegerField(default=0)
    ram_min = models.PositiveIntegerField(null=True)
    ram_max = models.PositiveIntegerField(null=True)
    storage_min = models.PositiveIntegerField(null=True)
    storage_max = models.PositiveIntegerField(null=True)
    storage_kind = models.CharField(max_length=8, blank=True)
    cpu_model = models.CharField(max_length=120, blank=True)
    screen_inches = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    battery_min = models.PositiveSmallIntegerField(null=True)
    battery_max = models.PositiveSmallIntegerField(null=True)
    # "|Linux Mint 22.1|Debian 12|": the systems installed on its units, for the filter.
    systems = models.CharField(max_length=400, blank=True)
    claim_rank = models.PositiveSmallIntegerField(default=CLAIM_NONE)
    photo = models.ForeignKey(
        DevicePhoto, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    photo_device = models.ForeignKey(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Lower-case words searched by the catalogue's search field (make, model, processor…).
    search = models.CharField(max_length=600, blank=True)
    sort_key = models.CharField(max_length=300, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catalogue offer")
        verbose_name_plural = _("catalogue offers")
        ordering = ["sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "make", "model", "grade", "site"],
                condition=models.Q(kind="device"),
                name="catalogue_one_offer_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["units", "sort_key"], name="catalogue_offer_list"),
            models.Index(fields=["category", "units"], name="catalogue_offer_category"),
        ]

    def __str__(self) -> str:
        return f"{self.make} {self.model} · {self.site_id}"


class CatalogueUnit(models.Model):
    """One device on sale as the catalogue lists it (no serial, no donor, no person)."""

    device = models.OneToOneField(
        Device, on_delete=models.CASCADE, primary_key=True, related_name="catalogue_unit"
    )
    offer = models.ForeignKey(CatalogueOffer, on_delete=models.CASCADE, related_name="unit_rows")
    solidarity_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    standard_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    free_of_charge = models.BooleanField(default=False)
    ram_gb = models.PositiveIntegerField(null=True)
    storage_gb = models.PositiveIntegerField(null=True)
    storage_kind = models.CharField(max_length=8, blank=True)
    cpu_model = models.CharField(max_length=120, blank=True)
    screen_inches = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    battery_pct = models.PositiveSmallIntegerField(null=True)
    system = models.CharField(max_length=120, blank=True)
    claim_rank = models.PositiveSmallIntegerField(default=CLAIM_NONE)
    photo = models.ForeignKey(
        DevicePhoto, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("catalogue unit")
        verbose_name_plural = _("catalogue units")

    def __str__(self) -> str:
        return f"{self.device_id} · {self.offer_id}"
