"""The waste register's reference data: waste codes, carriers, receiving facilities.

The register itself (registre chronologique des déchets sortants, arrêté du 31 mai 2021) is
read from the recycling shipments (``inventory.waste``): each shipment names its waste code,
carrier, receiving facility, eco-organisation and tracking slip; a line may carry its own
waste code (a CRT screen, 16 02 13*, in a shipment of 16 02 14).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

# "16 02 14", "16 02 13*": six digits in three pairs, a star for hazardous waste: the list of
# waste the register's "code du déchet" refers to (code de l'environnement, art. R. 541-7, the
# European list of decision 2000/532/EC; hazardous waste, art. R. 541-8).
WASTE_CODE_RE = re.compile(r"^\d{2} \d{2} \d{2}\*?$")

# The recovery (R) and disposal (D) operations of annexes I and II of directive 2008/98/EC,
# the "code du traitement" of the register (arrêté du 31 mai 2021, art. 2). As data: the
# register form offers and accepts these codes only.
RECOVERY_CODES = tuple(f"R{n}" for n in range(1, 14))
DISPOSAL_CODES = tuple(f"D{n}" for n in range(1, 16))
TREATMENT_CODES = RECOVERY_CODES + DISPOSAL_CODES


class TreatmentMode(models.TextChoices):
    """The qualification of the final treatment in the hierarchy of art. L. 541-1 code de
    l'environnement (reuse, recycling, other recovery, energy recovery, disposal)."""

    REUSE = "reuse", _("Reuse")
    RECYCLING = "recycling", _("Recycling")
    OTHER_RECOVERY = "other_recovery", _("Other recovery")
    ENERGY_RECOVERY = "energy_recovery", _("Energy recovery")
    DISPOSAL = "disposal", _("Disposal")


def treatment_modes_allowed(code: str) -> set[str]:
    """The final-treatment qualifications a treatment code can carry: a disposal operation is
    disposal, R1 is energy recovery, R2 to R13 are recovery of materials (or reuse)."""
    if code.startswith("D"):
        return {TreatmentMode.DISPOSAL}
    if code == "R1":
        return {TreatmentMode.ENERGY_RECOVERY}
    return {TreatmentMode.REUSE, TreatmentMode.RECYCLING, TreatmentMode.OTHER_RECOVERY}


# A waste code of annex VIII (A…) or annex IX (B…) of the Basel Convention, e.g. A1180 or
# B1110: the register asks for it "le cas échéant" (a transboundary shipment).
BASEL_CODE_RE = re.compile(r"^[AB]\d{4}$")


def validate_treatment_code(value: str) -> None:
    if value and value not in TREATMENT_CODES:
        raise ValidationError(
            _("Use a treatment code of the directive 2008/98/EC: R1 to R13 or D1 to D15."),
            code="invalid_treatment_code",
        )


def validate_basel_code(value: str) -> None:
    if value and not BASEL_CODE_RE.match(value):
        raise ValidationError(
            _("A Basel Convention code is A or B and four digits, e.g. A1180 or B1110."),
            code="invalid_basel_code",
        )


def validate_siren(value: str) -> None:
    if value and not stdnum_siren.is_valid(value):
        raise ValidationError(
            _("This SIREN is not valid: 9 digits with a correct check digit."),
            code="invalid_siren",
        )


def validate_siret_number(value: str) -> None:
    if value and not stdnum_siret.is_valid(value):
        raise ValidationError(
            _("This SIRET is not valid: 14 digits with a correct check digit."),
            code="invalid_siret",
        )


def compact_number(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


class WasteCode(models.Model):
    """One code of the European list of waste, as data (seeded, editable in the admin)."""

    code = models.CharField(_("waste code"), max_length=9, unique=True)
    label = models.CharField(_("usual name"), max_length=200)
    hazardous = models.BooleanField(
        _("hazardous"),
        default=False,
        help_text=_("Hazardous waste (a star after the code): declared to the national register."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("waste code")
        verbose_name_plural = _("waste codes")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.label}"

    def clean(self) -> None:
        self.code = " ".join((self.code or "").split())
        if not WASTE_CODE_RE.match(self.code):
            raise ValidationError(
                {"code": _("A waste code is three pairs of digits, e.g. 16 02 14 or 16 02 13*.")}
            )
        if self.code.endswith("*") != self.hazardous:
            raise ValidationError(
                {"hazardous": _("A code with a star is hazardous waste, and only such a code.")}
            )


class Carrier(models.Model):
    """A waste carrier: its name, SIREN, address and the receipt of its declaration
    (récépissé de déclaration de transport de déchets, art. R. 541-50 code de l'environnement)."""

    name = models.CharField(_("name"), max_length=160)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    address = models.TextField(_("address"))
    receipt_number = models.CharField(_("receipt number"), max_length=60)

    class Meta:
        verbose_name = _("waste carrier")
        verbose_name_plural = _("waste carriers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.siren = compact_number(self.siren)
        if not self.siren:
            raise ValidationError({"siren": _("Give the carrier's SIREN.")})


class ReceivingFacility(models.Model):
    """The installation the waste is shipped to (name, SIRET, address)."""

    name = models.CharField(_("name"), max_length=160)
    siret = models.CharField(_("SIRET"), max_length=14, validators=[validate_siret_number])
    address = models.TextField(_("address"))

    class Meta:
        verbose_name = _("receiving facility")
        verbose_name_plural = _("receiving facilities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.siret = compact_number(self.siret)
        if not self.siret:
            raise ValidationError({"siret": _("Give the facility's SIRET.")})
