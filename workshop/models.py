"""The workshop's places and benches: sites, workstations and tag counters."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Site(models.Model):
    """A workshop building; its two-letter code starts every tag printed there."""

    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use two capital letters, for example LY."))],
        help_text=_("Two capital letters that start every tag printed at this site."),
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.TextField(_("address"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class WorkstationKind(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ERASURE = "erasure", _("Erasure")
    TEST = "test", _("Test")
    GRADING = "grading", _("Grading")
    SHOP = "shop", _("Shop")
    STOCK = "stock", _("Stock")


class Workstation(models.Model):
    """A bench position with its own kind (what it may do) and, later, its printer."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="workstations", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=WorkstationKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    printer = models.ForeignKey(
        "labels.Printer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workstations",
        verbose_name=_("label printer"),
        help_text=_("Labels printed at this workstation go to this printer."),
    )

    class Meta:
        verbose_name = _("workstation")
        verbose_name_plural = _("workstations")
        ordering = ["site__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="workstation_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.site.code} · {self.name}"

    def clean(self) -> None:
        if self.printer_id and self.site_id and self.printer.site_id != self.site_id:
            raise ValidationError({"printer": _("Choose a printer of the workstation's site.")})


class TagSequence(models.Model):
    """The last number handed out for one kind of tag at one site (locked when used)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="tag_sequences")
    kind = models.CharField(max_length=1, blank=True)
    last_number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("tag sequence")
        verbose_name_plural = _("tag sequences")
        constraints = [
            models.UniqueConstraint(fields=["site", "kind"], name="tagsequence_unique_site_kind")
        ]

    def __str__(self) -> str:
        return f"{self.site.code}{self.kind}: {self.last_number}"
