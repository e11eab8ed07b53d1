"""Donation offers made online, the pick-up rounds that fetch them and the pick-up slips.

An offer (``DonationOffer``) is what a donor proposes through the public form: who they are,
what they give per category (``OfferLine``), when we may come. A manager accepts or declines
it; accepted offers become stops (``RoundStop``) of a collection round (``CollectionRound``);
at each stop the driver fills a pick-up slip (``PickupSlip``, bordereau de prise en charge)
with the counted items, the weight and both signatures, which turns the offer into the
``Collection`` intake already uses. Writes are ``inventory.services.donations``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.models.core import Collection, Donor, validate_siret
from refurb.models import Category
from workshop.models import Site
from workshop.units import ZERO_KG


class DonationOffer(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        PLANNED = "planned", _("Planned")
        COLLECTED = "collected", _("Collected")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="donation_offers", verbose_name=_("site")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Donor.Kind.choices)
    organisation = models.CharField(_("organisation"), max_length=160)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    contact_name = models.CharField(_("contact name"), max_length=120)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.TextField(_("address"))
    window_start = models.DateField(_("pick-up from"))
    window_end = models.DateField(_("pick-up until"))
    notes = models.TextField(_("notes"), blank=True)
    # The public form's one-time key: a second submit of the same form finds this offer.
    submission_key = models.CharField(
        _("submission key"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    consent_at = models.DateTimeField(_("privacy notice accepted at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    donor = models.ForeignKey(
        Donor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("donor"),
    )
    collection = models.OneToOneField(
        Collection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offer",
        verbose_name=_("collection"),
    )

    class Meta:
        verbose_name = _("donation offer")
        verbose_name_plural = _("donation offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")),
                name="offer_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.organisation}"

    @property
    def total_count(self) -> int:
        return sum(line.count for line in self.lines.all())


class OfferLine(models.Model):
    class Age(models.TextChoices):
        UNDER_3 = "lt3", _("less than 3 years")
        FROM_3_TO_5 = "3to5", _("3 to 5 years")
        FROM_5_TO_8 = "5to8", _("5 to 8 years")
        OVER_8 = "gt8", _("more than 8 years")

    offer = models.ForeignKey(
        DonationOffer, on_delete=models.CASCADE, related_name="lines", verbose_name=_("offer")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    count = models.PositiveIntegerField(_("count"), validators=[MinValueValidator(1)])
    age = models.CharField(_("approximate age"), max_length=5, choices=Age.choices)
    drives_inside = models.BooleanField(_("drives inside"), default=True)
    destroy_on_site = models.BooleanField(_("drives destroyed on site"), default=False)

    class Meta:
        verbose_name = _("offer line")
        verbose_name_plural = _("offer lines")
        ordering = ["offer", "id"]

    def __str__(self) -> str:
        return f"{self.count} × {self.category}"


class CollectionRound(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="collection_rounds", verbose_name=_("site")
    )
    date = models.DateField(_("date"))
    # The hours the donor is told to expect the van (optional).
    time_from = models.TimeField(_("van expected from"), null=True, blank=True)
    time_until = models.TimeField(_("van expected until"), null=True, blank=True)
    vehicle = models.CharField(_("vehicle"), max_length=80)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("driver"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.date}"


class RoundStop(models.Model):
    round = models.ForeignKey(
        CollectionRound, on_delete=models.CASCADE, related_name="stops", verbose_name=_("round")
    )
    offer = models.OneToOneField(
        DonationOffer, on_delete=models.PROTECT, related_name="stop", verbose_name=_("offer")
    )
    order = models.PositiveIntegerField(_("order"))
    estimated_weight_kg = models.DecimalField(
        _("estimated weight (kg)"),
        max_digits=10,
        decimal_places=3,
        default=ZERO_KG,
        validators=[MinValueValidator(ZERO_KG, _("A weight cannot be negative."))],
    )

    class Meta:
        verbose_name = _("round stop")
        verbose_name_plural = _("round stops")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="round_stop_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.order}"


class PickupSlip(models.Model):
    """The bordereau de prise en charge signed at a stop: what was counted, the weight, the
    signatures (drawn on a tablet, PNG) or the printed slip scanned back."""

    stop = models.OneToOneField(
        RoundStop, on_delete=models.PROTECT, related_name="slip", verbose_name=_("stop")
    )
    collection = models.OneToOneField(
        Collection, on_delete=models.PROTECT, related_name="slip", verbose_name=_("collection")
    )
    counts = models.JSONField(_("counted items"), default=dict)
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(ZERO_KG, _("A weight cannot be negative."))],
    )
    donor_signatory = models.CharField(_("signed for the donor by"), max_length=120)
    donor_signature = models.BinaryField(_("donor's signature (PNG)"), blank=True, default=b"")
    driver_signature = models.BinaryField(_("driver's signature (PNG)"), blank=True, default=b"")
    scan = models.BinaryField(_("scanned slip"), blank=True, default=b"")
    scan_type = models.CharField(_("scan type"), max_length=40, blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("pick-up slip")
        verbose_name_plural = _("pick-up slips")

    def __str__(self) -> str:
        return f"{self.collection.tag}"
