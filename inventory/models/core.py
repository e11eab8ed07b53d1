"""What the workshop holds and where it comes from: donors, collections, devices, locations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as stdnum_siret

from refurb.states import State
from workshop.models import Site

ZERO_KG = Decimal("0")


def validate_siret(value: str) -> None:
    if value and not stdnum_siret.is_valid(value):
        raise ValidationError(
            _("This SIRET is not valid: it has 14 digits and a correct check digit."),
            code="invalid_siret",
        )


class Category(models.Model):
    """A kind of equipment; says whether it can hold data and how it is declared as WEEE."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=80)
    holds_data = models.BooleanField(
        _("can hold data"),
        help_text=_("Devices of this category must be erased before they move on."),
    )
    weee_category = models.CharField(
        _("WEEE category"),
        max_length=8,
        blank=True,
        help_text=_("Category of the eco-organisation declaration (1 to 6)."),
    )
    default_weight_kg = models.DecimalField(
        _("typical weight (kg)"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO_KG)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A shelf, bin, bench or area of a site where a device can be found."""

    class Kind(models.TextChoices):
        SHELF = "shelf", _("Shelf")
        BIN = "bin", _("Bin")
        BENCH = "bench", _("Bench")
        SHOP = "shop", _("Shop floor")
        AREA = "area", _("Area")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="locations", verbose_name=_("site")
    )
    tag = models.CharField(_("tag"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SHELF)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["site__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="location_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tag})"


class Donor(models.Model):
    """Who gave the equipment: a company, a public body or a person (minimum data)."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PUBLIC_BODY = "public_body", _("Public body")
        PERSON = "person", _("Person")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.siret = (self.siret or "").replace(" ", "")
        if self.siret and self.kind == self.Kind.PERSON:
            raise ValidationError({"siret": _("A person has no SIRET: leave it empty.")})


class Collection(models.Model):
    """A lot picked up from or dropped off by a donor, weighed on arrival."""

    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="collections", verbose_name=_("donor")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="collections", verbose_name=_("site")
    )
    tag = models.CharField(_("tag"), max_length=20, unique=True, editable=False)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    declared_count = models.PositiveIntegerField(_("declared count"), default=0)
    gross_weight_kg = models.DecimalField(
        _("gross weight (kg)"),
        max_digits=10,
        decimal_places=3,
        default=ZERO_KG,
        validators=[MinValueValidator(ZERO_KG, _("A weight cannot be negative."))],
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.tag} · {self.donor}"


class Device(models.Model):
    """One piece of equipment, from donation to its outcome; ``state`` caches its last event."""

    asset_tag = models.CharField(_("asset tag"), max_length=20, unique=True, editable=False)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="devices", verbose_name=_("site")
    )
    collection = models.ForeignKey(
        Collection,
        on_delete=models.PROTECT,
        related_name="devices",
        null=True,
        blank=True,
        verbose_name=_("collection"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="devices", verbose_name=_("category")
    )
    make = models.CharField(_("make"), max_length=80, blank=True)
    model = models.CharField(_("model"), max_length=120, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    specs = models.JSONField(_("specifications"), default=dict, blank=True)
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO_KG, _("A weight cannot be negative."))],
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="devices",
        null=True,
        blank=True,
        verbose_name=_("location"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED, editable=False
    )
    grade = models.ForeignKey(
        "refurb.Grade",
        on_delete=models.PROTECT,
        related_name="devices",
        null=True,
        blank=True,
        verbose_name=_("grade"),
    )
    no_storage_confirmed = models.BooleanField(
        _("confirmed without storage"),
        default=False,
        help_text=_("Checked by a worker: this device holds no drive at all."),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    event_seq = models.PositiveIntegerField(_("events"), default=0, editable=False)
    event_head = models.CharField(
        _("last event hash"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("SHA-256 of the device's last event: the head of its tamper-evident chain."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["-id"]
        indexes = [
            # The device list filters by state, site and category and pages newest first:
            # this one index answers the page (backward scan, stops after a page) and its
            # count (index-only), and its prefixes serve state, and state + site, filters.
            models.Index(fields=["state", "site", "category", "id"], name="device_list_filter"),
            models.Index(fields=["serial_number"], name="device_serial"),
            # Snapshot ingestion matches the serial whatever its case (``iexact``, which
            # PostgreSQL writes UPPER(serial_number) = UPPER(%s)): without it, a scan of every
            # device (0.4 s at 1M).
            models.Index(Upper("serial_number"), name="device_serial_upper"),
            models.Index(fields=["site", "state_changed_at"], name="device_site_changed"),
            # Outcome and "stuck" reports: one state (or a few), a range of state_changed_at.
            models.Index(fields=["state", "state_changed_at"], name="device_state_changed"),
        ]

    def __str__(self) -> str:
        label = " ".join(part for part in (self.make, self.model) if part)
        return f"{self.asset_tag} · {label}" if label else self.asset_tag


class RecyclingShipment(models.Model):
    """Devices and parts leaving for a recycler, weighed, with the recycler's certificate."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SHIPPED = "shipped", _("Shipped")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="recycling_shipments", verbose_name=_("site")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, editable=False
    )
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True, editable=False)
    recycler = models.CharField(_("recycler"), max_length=160)
    shipped_on = models.DateField(_("shipped on"), default=timezone.localdate)
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=10,
        decimal_places=3,
        default=ZERO_KG,
        validators=[MinValueValidator(ZERO_KG, _("A weight cannot be negative."))],
    )
    certificate_ref = models.CharField(_("recycler's certificate"), max_length=80, blank=True)
    devices = models.ManyToManyField(
        Device, related_name="recycling_shipments", blank=True, verbose_name=_("devices")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recycling shipment")
        verbose_name_plural = _("recycling shipments")
        ordering = ["-shipped_on", "-id"]

    def __str__(self) -> str:
        return f"{self.recycler} · {self.shipped_on}"
