"""Printers of the workshop and the record of every print job.

A ``Printer`` says how label bytes reach the paper (a CUPS queue, raw TCP for ZPL or PDF, a
Brother QL on the network, or the browser) and which stock is loaded in it. A ``PrintJob``
keeps who printed which labels where, and what the printer answered, so a failed job can be
retried and a reprint is known as one.
"""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labels.printing import address_allowed
from labels.stocks import STOCKS
from labels.templates import TEMPLATES

STOCK_CHOICES = [(code, stock.name) for code, stock in sorted(STOCKS.items())]
TEMPLATE_CHOICES = [
    ("device_tag", _("Device tag")),
    ("drive_tag", _("Drive tag")),
    ("erasure_sticker", _("Erasure sticker")),
    ("shop_label", _("Shop label")),
    ("kit_label", _("Kit label")),
    ("part_label", _("Part label")),
    ("location_label", _("Location (bin) label")),
    ("collection_label", _("Collection label")),
]
assert {code for code, _label in TEMPLATE_CHOICES} == set(TEMPLATES)


class LabelFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    ZPL = "zpl", _("ZPL (Zebra)")
    BROTHER = "brother", _("Brother QL raster")


class Printer(models.Model):
    """A label printer of a site and the way the server reaches it."""

    class Kind(models.TextChoices):
        CUPS = "cups", _("CUPS queue (PDF)")
        RAW9100 = "raw9100", _("Zebra on raw TCP (ZPL)")
        BROTHER_QL = "brother_ql", _("Brother QL on the network (raster)")
        PDF_RAW = "pdf_raw", _("PDF on raw TCP")
        DOWNLOAD = "download", _("Download (the browser prints)")

    FORMAT_FOR_KIND = {
        Kind.CUPS: LabelFormat.PDF,
        Kind.RAW9100: LabelFormat.ZPL,
        Kind.BROTHER_QL: LabelFormat.BROTHER,
        Kind.PDF_RAW: LabelFormat.PDF,
        Kind.DOWNLOAD: LabelFormat.PDF,
    }

    site = models.ForeignKey(
        "workshop.Site", on_delete=models.PROTECT, related_name="printers", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    queue = models.CharField(
        _("CUPS queue"), max_length=120, blank=True, help_text=_("As listed by lpstat -p.")
    )
    host = models.CharField(
        _("host"), max_length=255, blank=True, help_text=_("IP address or name on the network.")
    )
    port = models.PositiveIntegerField(
        _("port"), default=9100, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    model = models.CharField(
        _("Brother model"),
        max_length=32,
        blank=True,
        help_text=_("For Brother QL printers, for example QL-820NWB."),
    )
    default_stock = models.CharField(
        _("loaded stock"), max_length=32, choices=STOCK_CHOICES, blank=True
    )
    timeout_seconds = models.PositiveSmallIntegerField(
        _("timeout (seconds)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("printer")
        verbose_name_plural = _("printers")
        ordering = ["site__code", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="printer_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def label_format(self) -> str:
        return self.FORMAT_FOR_KIND[self.kind]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.CUPS and not self.queue:
            errors["queue"] = _("A CUPS printer needs its queue name.")
        if self.kind == self.Kind.CUPS and self.queue and not QUEUE_RE.match(self.queue):
            errors["queue"] = _("A queue name has letters, digits, dots, dashes or underscores.")
        if self.kind in (self.Kind.RAW9100, self.Kind.BROTHER_QL, self.Kind.PDF_RAW):
            if not self.host:
                errors["host"] = _("A network printer needs its address.")
            elif not HOST_RE.match(self.host):
                errors["host"] = _("Give an IP address or a host name, without spaces.")
            elif _is_ip(self.host) and not address_allowed(
                self.host.strip("[]"), settings.ATELIER_PRINTER_NETWORKS
            ):
                errors["host"] = _(
                    "This address is outside the networks printers may be on (%(networks)s)."
                ) % {"networks": ", ".join(settings.ATELIER_PRINTER_NETWORKS)}
        if self.kind == self.Kind.BROTHER_QL and not self.model:
            errors["model"] = _("Give the Brother model, for example QL-820NWB.")
        if self.default_stock and self.kind:
            problem = stock_problem(self.kind, self.default_stock)
            if problem:
                errors["default_stock"] = problem
        if errors:
            raise ValidationError(errors)


QUEUE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,119}$")
HOST_RE = re.compile(r"^[A-Za-z0-9_.:%\[\]-]{1,255}$")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def stock_problem(kind: str, stock_code: str):
    """Why a printer of ``kind`` cannot print on ``stock_code``, or None when it can."""
    stock = STOCKS.get(stock_code)
    if stock is None:
        return _("Unknown label stock.")
    if kind == Printer.Kind.RAW9100 and stock.dpi is None:
        return _("A Zebra printer needs a thermal roll or die-cut stock, not a sheet.")
    if kind == Printer.Kind.BROTHER_QL and stock.brother is None:
        return _("A Brother QL printer needs a Brother QL stock.")
    return None


class PrintJob(models.Model):
    """One print request: its labels, where they went and what the printer answered."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    workstation = models.ForeignKey(
        "workshop.Workstation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("workstation"),
    )
    printer = models.ForeignKey(
        Printer, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("printer")
    )
    template = models.CharField(_("template"), max_length=32, choices=TEMPLATE_CHOICES)
    codes = models.JSONField(_("codes"), default=list)
    codes_key = models.CharField(max_length=64, db_index=True, editable=False)
    label_count = models.PositiveIntegerField(_("labels"), default=0)
    stock = models.CharField(_("stock"), max_length=32, choices=STOCK_CHOICES)
    copies = models.PositiveSmallIntegerField(
        _("copies"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    start_at = models.PositiveSmallIntegerField(
        _("start position"), default=1, validators=[MinValueValidator(1)]
    )
    format = models.CharField(_("format"), max_length=8, choices=LabelFormat.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    error_message = models.TextField(_("error details"), blank=True)
    bytes_sent = models.PositiveBigIntegerField(_("bytes sent"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    action_key = models.CharField(
        _("action"),
        max_length=160,
        blank=True,
        editable=False,
        help_text=_("The screen action that printed this job: one action prints once."),
    )
    reprint_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reprints",
        verbose_name=_("reprint of"),
    )
    job = models.ForeignKey(
        "workshop.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("background job"),
        help_text=_("The job that sends the labels to a network printer (workshop/jobs.py)."),
    )

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="printjob_status_created"),
            models.Index(fields=["template", "codes_key"], name="printjob_template_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["action_key"],
                condition=~models.Q(action_key=""),
                name="printjob_unique_action",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.template} × {self.label_count} → {self.printer_id}"
