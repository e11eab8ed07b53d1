"""The device and its category: what is refurbished, and every column the life-cycle rules read.

A device points up to where it came from (``inventory.Collection``) and where it is
(``inventory.Location``) by name only: refurb code never imports the inventory.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refurb.states import State
from workshop.models import Site
from workshop.units import ZERO_KG


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
    needs_system = models.BooleanField(
        _("needs an installed system"),
        default=False,
        db_default=False,
        help_text=_(
            "Devices of this category go on sale only with a system installed whose first "
            "boot check passed."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_category"
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Device(models.Model):
    """One piece of equipment, from donation to its outcome; ``state`` caches its last event."""

    asset_tag = models.CharField(_("asset tag"), max_length=20, unique=True, editable=False)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="devices", verbose_name=_("site")
    )
    collection = models.ForeignKey(
        "inventory.Collection",
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
        "inventory.Location",
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
    no_storage_signed_off = models.BooleanField(
        _("no storage signed off"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_(
            "A technical coach or a manager, not the person who declared it, confirmed that "
            "this device holds no drive at all."
        ),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    event_seq = models.PositiveIntegerField(_("events"), default=0, editable=False)
    test_cycle = models.PositiveIntegerField(
        _("test cycle"),
        default=0,
        db_default=0,
        editable=False,
        help_text=_(
            "Opened each time the device enters wiped, in repair or returned: only the test "
            "results of the current cycle count."
        ),
    )
    event_head = models.CharField(
        _("last event hash"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Seal of the device's last event: the head of its tamper-evident chain."),
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
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_device"
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
