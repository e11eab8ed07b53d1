"""What leaves for a recycler: shipments, each a list of weighed devices and lots of parts."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models.waste import (
    Carrier,
    ReceivingFacility,
    TreatmentMode,
    WasteCode,
    validate_basel_code,
    validate_siren,
    validate_siret_number,
    validate_treatment_code,
)
from refurb.models import Device
from workshop.models import Site
from workshop.units import ZERO_KG


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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The waste register (arrêté du 31 mai 2021): what, by whom, to where, under which slip.
    waste_code = models.ForeignKey(
        WasteCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waste code"),
        help_text=_("The code of the shipment's lines that name none of their own."),
    )
    carrier = models.ForeignKey(
        Carrier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("carrier"),
    )
    facility = models.ForeignKey(
        ReceivingFacility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("receiving facility"),
    )
    treatment_code = models.CharField(
        _("treatment code"),
        max_length=4,
        blank=True,
        validators=[validate_treatment_code],
        help_text=_("The recovery or disposal operation at the facility, e.g. R4 or R12."),
    )
    treatment_mode = models.CharField(
        _("final treatment"),
        max_length=16,
        blank=True,
        choices=TreatmentMode.choices,
        help_text=_("Reuse, recycling, other recovery, energy recovery or disposal."),
    )
    contains_pop = models.BooleanField(
        _("contains persistent organic pollutants"),
        default=False,
        db_default=False,
        help_text=_(
            "POP waste (art. R. 541-8 code de l'environnement), e.g. plastics with "
            "brominated flame retardants."
        ),
    )
    basel_code = models.CharField(
        _("Basel Convention code"),
        max_length=5,
        blank=True,
        validators=[validate_basel_code],
        help_text=_("Annex VIII or IX of the Basel Convention, where one applies."),
    )
    transfer_notification = models.CharField(
        _("transboundary shipment number"),
        max_length=40,
        blank=True,
        help_text=_(
            "The notification or movement document number of regulation (EC) "
            "1013/2006, for waste shipped abroad."
        ),
    )
    dispatcher_siret = models.CharField(
        _("dispatching establishment SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret_number],
        help_text=_("The SIRET of the site that ships the waste (its producer)."),
    )
    broker_name = models.CharField(_("broker or trader"), max_length=160, blank=True)
    broker_siret = models.CharField(
        _("broker or trader SIRET"), max_length=14, blank=True, validators=[validate_siret_number]
    )
    broker_receipt = models.CharField(
        _("broker or trader receipt number"),
        max_length=60,
        blank=True,
        help_text=_("The receipt of its declaration (art. R. 541-56 code de l'environnement)."),
    )
    eco_organisation = models.CharField(_("eco-organisation"), max_length=160, blank=True)
    eco_organisation_siren = models.CharField(
        _("eco-organisation SIREN"), max_length=9, blank=True, validators=[validate_siren]
    )
    tracking_slip = models.CharField(
        _("waste tracking slip number"),
        max_length=40,
        blank=True,
        help_text=_("The BSD (bordereau de suivi des déchets) number, where one applies."),
    )

    class Meta:
        verbose_name = _("recycling shipment")
        verbose_name_plural = _("recycling shipments")
        ordering = ["-shipped_on", "-id"]
        indexes = [
            # The waste register of a period: shipped shipments by date (inventory.waste).
            models.Index(fields=["status", "shipped_on"], name="shipment_register"),
        ]

    def __str__(self) -> str:
        return f"{self.recycler} · {self.shipped_on}"


class RecyclingShipmentLine(models.Model):
    """A device, or a lot of loose parts, in a recycling shipment, with its weight."""

    shipment = models.ForeignKey(
        RecyclingShipment,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("shipment"),
    )
    device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recycling_lines",
        verbose_name=_("device"),
    )
    part = models.OneToOneField(
        "inventory.Part",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recycling_line",
        verbose_name=_("part"),
    )
    description = models.CharField(_("description"), max_length=160, blank=True)
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=10,
        decimal_places=3,
        default=ZERO_KG,
        validators=[MinValueValidator(ZERO_KG, _("A weight cannot be negative."))],
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    waste_code = models.ForeignKey(
        WasteCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waste code"),
        help_text=_("Only when it differs from the shipment's code."),
    )

    class Meta:
        verbose_name = _("recycling shipment line")
        verbose_name_plural = _("recycling shipment lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "device"], name="recyclingline_unique_device"
            )
        ]

    def __str__(self) -> str:
        return self.device.asset_tag if self.device_id else self.description
