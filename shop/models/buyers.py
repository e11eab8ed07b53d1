"""Who may buy: organisations and people, the price tier that applies and why."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from workshop.models import Site

RNA_RE = re.compile(r"^W\d{9}$")


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
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="buyers",
        verbose_name=_("site"),
        help_text=_("Where the buyer was recorded: only that site's shop staff see them."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        # The table it had in the inventory app, so existing databases upgrade in place.
        db_table = "inventory_buyer"
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
