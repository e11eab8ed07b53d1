"""What every shop model shares: euro amounts, VAT regimes and the site's legal identity."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from workshop.models import Site
from workshop.units import ZERO

# The French normal VAT rate: prices include it under the normal regime.
NORMAL_VAT_RATE = Decimal("0.20")
# The legal guarantee of conformity of goods sold to consumers, used and refurbished goods
# included: two years from delivery (art. L. 217-3 code de la consommation). For used goods
# (a refurbished good is one, art. R. 122-4) a defect is presumed to have existed at delivery
# when it appears within 12 months only, instead of 24 (art. L. 217-7). Checked against the
# official texts' wording on 2026-12-02 (docs/compliance.md, "Legal references").
LEGAL_GUARANTEE_MONTHS = 24
USED_GOODS_PRESUMPTION_MONTHS = 12
# The fixed indemnity for recovery costs owed by a professional buyer who pays late
# (art. L. 441-10 and D. 441-5 code de commerce).
RECOVERY_INDEMNITY = Decimal("40.00")
# An agreed late-payment penalty rate is at least three times the legal interest rate
# (art. L. 441-10 code de commerce).
PENALTY_FLOOR_FACTOR = 3


def money_field(verbose):
    """A euro amount to the cent, never negative."""
    return models.DecimalField(
        verbose,
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO, _("A price cannot be negative."))],
    )


def vat_number_for(siren: str) -> str:
    """The French intra-Community VAT number of ``siren`` (FR, its two-digit key, the SIREN)."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


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
    vat_number = models.CharField(
        _("VAT number"),
        max_length=20,
        blank=True,
        help_text=_("The intra-Community VAT number (FR, two check digits, the SIREN)."),
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("commercial warranty (months)"),
        default=12,
        help_text=_("The workshop's own warranty, parts and labour, on every device sold."),
    )
    payment_days = models.PositiveSmallIntegerField(
        _("payment due after (days)"),
        default=0,
        db_default=0,
        help_text=_("0: paid at the counter, due on the day of the invoice."),
    )
    # Art. L. 441-10 code de commerce: unless agreed otherwise, the penalty rate is the ECB's
    # rate on its most recent refinancing operation plus 10 points; an agreed rate may not be
    # below three times the legal interest rate. Empty: the invoice states the legal rate in
    # those words (it changes with the ECB, so no figure is stored). Set: it must be at least
    # three times the legal interest rate of the semester, typed beside it.
    late_penalty_rate = models.DecimalField(
        _("late-payment penalty rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=None,
        validators=[MinValueValidator(ZERO)],
        help_text=_(
            "Leave empty for the legal rate (the ECB refinancing rate plus 10 points, art. "
            "L. 441-10 code de commerce). A rate of your own must be at least three times the "
            "legal interest rate."
        ),
    )
    legal_interest_rate = models.DecimalField(
        _("legal interest rate of the semester (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_(
            "The legal interest rate for professional creditors, set each semester by arrêté: "
            "needed to check a penalty rate of your own (at least three times it)."
        ),
    )
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
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_sitelegal"
        verbose_name = _("site legal identity")
        verbose_name_plural = _("site legal identities")

    def __str__(self) -> str:
        return f"{self.site.code} · {self.legal_name}"

    def clean_penalty_rate(self) -> None:
        """An agreed penalty rate is never below three times the legal interest rate."""
        if self.late_penalty_rate is None:
            return
        if self.legal_interest_rate is None:
            raise ValidationError(
                {
                    "legal_interest_rate": _(
                        "Type the legal interest rate of the semester: a penalty rate of your "
                        "own must be at least three times it (or leave the penalty rate empty "
                        "for the legal rate)."
                    )
                }
            )
        floor = PENALTY_FLOOR_FACTOR * self.legal_interest_rate
        if self.late_penalty_rate < floor:
            raise ValidationError(
                {
                    "late_penalty_rate": _(
                        "The penalty rate must be at least three times the legal interest "
                        "rate: %(floor)s %% or more (art. L. 441-10 code de commerce)."
                    )
                    % {"floor": f"{floor:.2f}".replace(".", ",")}
                }
            )

    def clean(self) -> None:
        self.clean_penalty_rate()
        self.siret = (self.siret or "").replace(" ", "")
        if not stdnum_siret.is_valid(self.siret):
            raise ValidationError({"siret": _("This SIRET is not valid.")})
        self.vat_number = (self.vat_number or "").replace(" ", "").upper()
        if self.vat_number and not (
            stdnum_tva.is_valid(self.vat_number) and self.vat_number[4:] == self.siret[:9]
        ):
            raise ValidationError(
                {
                    "vat_number": _(
                        "This VAT number is not valid for this SIRET (FR, 2 digits, SIREN)."
                    )
                }
            )
        if not self.vat_number and self.vat_regime != VatRegime.EXEMPT:
            raise ValidationError(
                {
                    "vat_number": _(
                        "A seller that charges VAT (normal or margin scheme) prints its VAT "
                        "number on every invoice: type it."
                    )
                }
            )
