"""Where things come from and where they are: donors, collections and locations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as stdnum_siret

from workshop.models import Site
from workshop.units import ZERO_KG


def validate_siret(value: str) -> None:
    if value and not stdnum_siret.is_valid(value):
        raise ValidationError(
            _("This SIRET is not valid: it has 14 digits and a correct check digit."),
            code="invalid_siret",
        )


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
    # When the donor was mailed the link to their page on the lot's arrival (once only).
    arrival_mailed_at = models.DateTimeField(
        _("donor told of the arrival at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.tag} · {self.donor}"
