"""The solidarity shop: who may buy, at what price, and the sales and invoices that prove it.

Prices, spec tiers, quotas and carbon factors are data a manager edits; the rules that use
them live in ``inventory.services.shop``. Sales, invoices and credit notes keep a snapshot of
what was printed (names, tags, serials, amounts) so an invoice reads the same forever.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from inventory.models.core import Category, Device
from workshop.models import Site

ZERO = Decimal("0.00")
RNA_RE = re.compile(r"^W\d{9}$")


def _money(verbose):
    return models.DecimalField(
        verbose,
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO, _("A price cannot be negative."))],
    )


class VatRegime(models.TextChoices):
    MARGIN = "margin", _("Margin scheme for second-hand goods (art. 297 A CGI)")
    EXEMPT = "exempt", _("VAT exemption (art. 293 B CGI)")
    NORMAL = "normal", _("Normal VAT (20 %)")


class ExpiredPolicy(models.TextChoices):
    STANDARD = "standard", _("Sell at the standard price")
    REFUSE = "refuse", _("Refuse the sale until eligibility is checked again")


class SiteLegal(models.Model):
    """The seller's legal identity and the shop settings of one site (printed on invoices)."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="legal", verbose_name=_("site")
    )
    legal_name = models.CharField(_("legal name"), max_length=160)
    siret = models.CharField(_("SIRET"), max_length=14)
    address = models.TextField(_("address"))
    vat_regime = models.CharField(
        _("VAT regime"), max_length=8, choices=VatRegime.choices, default=VatRegime.MARGIN
    )
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=12)
    eligibility_months = models.PositiveSmallIntegerField(
        _("eligibility valid for (months)"), default=12
    )
    expired_policy = models.CharField(
        _("when eligibility has expired"),
        max_length=8,
        choices=ExpiredPolicy.choices,
        default=ExpiredPolicy.STANDARD,
    )
    reservation_days = models.PositiveSmallIntegerField(_("reservation (days)"), default=7)

    class Meta:
        verbose_name = _("site legal identity")
        verbose_name_plural = _("site legal identities")

    def __str__(self) -> str:
        return f"{self.site.code} · {self.legal_name}"

    def clean(self) -> None:
        self.siret = (self.siret or "").replace(" ", "")
        if not stdnum_siret.is_valid(self.siret):
            raise ValidationError({"siret": _("This SIRET is not valid.")})


class Buyer(models.Model):
    """Who buys: an organisation or a person, the price tier that applies and why.

    For people eligible on social criteria only the KIND of proof seen is recorded, never the
    document or its number (minimum data).
    """

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Non-profit association")
        FOUNDATION = "foundation", _("Foundation")
        LIBRARY = "library", _("Public library")
        PUBLIC_BODY = "public_body", _("Other public body")
        INDIVIDUAL = "individual", _("Individual eligible on social criteria")
        PUBLIC = "public", _("General public")

    class Proof(models.TextChoices):
        RSA = "rsa", _("RSA (revenu de solidarité active)")
        ASS = "ass", _("ASS (allocation de solidarité spécifique)")
        AAH = "aah", _("AAH (allocation aux adultes handicapés)")
        CSS = "css", _("CSS (complémentaire santé solidaire)")
        STUDENT_GRANT = "student_grant", _("Student grant (bourse sur critères sociaux)")
        QF = "qf", _("Family quotient at or under the threshold")
        SOCIAL_WORKER = "social_worker", _("Referral by a social worker")

    class Tier(models.TextChoices):
        SOLIDARITY = "solidarity", _("Solidarity price")
        STANDARD = "standard", _("Standard price")

    ORGANISATIONS = frozenset({Kind.ASSOCIATION, Kind.FOUNDATION, Kind.LIBRARY, Kind.PUBLIC_BODY})

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)
    rna = models.CharField(
        _("RNA number"), max_length=10, blank=True, help_text=_("W followed by 9 digits.")
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    proof_kind = models.CharField(
        _("kind of proof seen"), max_length=16, choices=Proof.choices, blank=True
    )
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    tier = models.CharField(_("price tier"), max_length=10, choices=Tier.choices)
    tier_reason = models.CharField(_("why this tier"), max_length=200)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eligibility checked by"),
    )
    checked_at = models.DateTimeField(_("eligibility checked at"))
    eligible_until = models.DateField(_("eligible until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="buyer_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        self.rna = (self.rna or "").replace(" ", "").upper()
        self.siren = (self.siren or "").replace(" ", "")
        self.siret = (self.siret or "").replace(" ", "")
        if self.rna and not RNA_RE.match(self.rna):
            errors["rna"] = [_("An RNA number is W followed by 9 digits, e.g. W691234567.")]
        if self.siren and not stdnum_siren.is_valid(self.siren):
            errors["siren"] = [_("This SIREN is not valid: 9 digits with a correct check digit.")]
        if self.siret and not stdnum_siret.is_valid(self.siret):
            errors["siret"] = [_("This SIRET is not valid: 14 digits with a correct check digit.")]
        if self.siren and self.siret and not errors and not self.siret.startswith(self.siren):
            errors["siret"] = [_("This SIRET does not belong to the SIREN given.")]
        has_id = bool(self.rna or self.siren or self.siret)
        if self.kind == self.Kind.ASSOCIATION and not has_id:
            errors["rna"] = [_("An association is identified by its RNA number or SIREN/SIRET.")]
        elif self.kind in self.ORGANISATIONS - {self.Kind.ASSOCIATION}:
            if self.rna:
                errors["rna"] = [_("Only associations have an RNA number.")]
            if not (self.siren or self.siret):
                errors["siret"] = [_("Give the SIREN or SIRET of this organisation.")]
        elif self.kind in (self.Kind.INDIVIDUAL, self.Kind.PUBLIC) and has_id:
            errors["siret"] = [_("A person has no RNA, SIREN or SIRET: leave them empty.")]
        if self.kind == self.Kind.INDIVIDUAL and not self.proof_kind:
            errors["proof_kind"] = [_("Say which kind of proof of eligibility you saw.")]
        if self.kind != self.Kind.INDIVIDUAL and self.proof_kind:
            errors["proof_kind"] = [_("Only individuals show a proof of social eligibility.")]
        if errors:
            raise ValidationError(errors)


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
    solidarity_price = _money(_("solidarity price"))
    standard_price = _money(_("standard price"))
    free_of_charge = models.BooleanField(
        _("given away"),
        default=False,
        help_text=_("A giveaway programme: eligible buyers pay nothing (solidarity price 0)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
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
    solidarity_price = _money(_("solidarity price"))
    standard_price = _money(_("standard price"))
    free_of_charge = models.BooleanField(_("given away"), default=False)
    overridden = models.BooleanField(_("overridden"), default=False)
    override_reason = models.CharField(_("why overridden"), max_length=200, blank=True)
    set_at = models.DateTimeField(_("set at"))

    class Meta:
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
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["buyer_kind", "name"]

    def __str__(self) -> str:
        return self.name


class Kit(models.Model):
    """Devices sold together (e.g. desktop + screen + keyboard + mouse) under one tag."""

    class Status(models.TextChoices):
        ASSEMBLED = "assembled", _("Assembled")
        SOLD = "sold", _("Sold")
        DISMANTLED = "dismantled", _("Dismantled")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    tag = models.CharField(_("tag"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    solidarity_price = _money(_("solidarity price"))
    standard_price = _money(_("standard price"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASSEMBLED
    )
    devices = models.ManyToManyField(Device, through="KitItem", related_name="kits")
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
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


class DocumentCounter(models.Model):
    """The last number given to an invoice or credit note of one site and year (gapless).

    Locked with ``select_for_update`` in the same transaction as the document it numbers, so a
    rolled-back sale gives its number back. Never a database sequence (they skip on rollback).
    """

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit", _("Credit note")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "year"], name="doccounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.kind} {self.year}: {self.last_number}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Bank transfer")
    FREE = "free", _("Free of charge")


class Sale(models.Model):
    """A completed sale and its invoice (number, seller and buyer as printed, totals)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("invoice number"), max_length=24, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="sales")
    tier = models.CharField(_("price tier"), max_length=10, choices=Buyer.Tier.choices)
    payment_method = models.CharField(_("payment"), max_length=8, choices=PaymentMethod.choices)
    vat_regime = models.CharField(_("VAT regime"), max_length=8, choices=VatRegime.choices)
    total = _money(_("total"))
    vat_total = _money(_("VAT"))
    warranty_until = models.DateField(_("warranty until"))
    seller = models.JSONField(_("seller as printed"))
    buyer_snapshot = models.JSONField(_("buyer as printed"))
    completed_at = models.DateTimeField(_("sold at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    workstation = models.ForeignKey(
        "workshop.Workstation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "seq"], name="sale_unique_seq")
        ]
        indexes = [models.Index(fields=["buyer", "completed_at"], name="sale_buyer_date")]

    def __str__(self) -> str:
        return self.number


class SaleLine(models.Model):
    """One device sold; a kit's price is shared out over its devices (sums exactly)."""

    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="lines")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="sale_lines")
    kit = models.ForeignKey(
        Kit, on_delete=models.PROTECT, null=True, blank=True, related_name="sale_lines"
    )
    position = models.PositiveSmallIntegerField()
    asset_tag = models.CharField(max_length=20)
    serial_number = models.CharField(max_length=80, blank=True)
    description = models.CharField(max_length=200)
    category_code = models.CharField(max_length=32)
    price = _money(_("price"))
    vat = _money(_("VAT"))
    returned = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.asset_tag} · {self.price}"


class CreditNote(models.Model):
    """An avoir: money given back for devices returned under warranty (gapless numbering)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("credit note number"), max_length=24, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="credit_notes")
    reason = models.CharField(_("reason"), max_length=200)
    total = _money(_("total"))
    vat_total = _money(_("VAT"))
    created_at = models.DateTimeField(_("created at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "seq"], name="creditnote_unique_seq")
        ]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    sale_line = models.OneToOneField(SaleLine, on_delete=models.PROTECT, related_name="credit")
    amount = _money(_("amount"))
    vat = _money(_("VAT"))

    def __str__(self) -> str:
        return f"{self.sale_line_id}: {self.amount}"
