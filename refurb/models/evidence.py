"""Evidence kept for donors and auditors: raw bench reports and issued certificates.

A ``Snapshot`` keeps a bench report exactly as it was received (bytes and their SHA-256) next
to what was parsed from it, so any fact on a device can be traced back to the tool output
that produced it. A ``Certificate`` records the canonical content of a data-sanitisation
certificate when it was issued and the SHA-256 of that content: the public verification page
recomputes the content from the database and says "altered" when a fact changed since.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """One hardware report received from a bench agent or an eReuse Workbench, unchanged."""

    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="snapshots",
        null=True,
        blank=True,
        verbose_name=_("device"),
    )
    source_format = models.CharField(_("format"), max_length=40)
    raw = models.BinaryField(_("report as received"))
    raw_sha256 = models.CharField(_("SHA-256 of the report"), max_length=64, db_index=True)
    payload = models.JSONField(_("report (JSON)"), default=dict)
    summary = models.JSONField(_("what was read"), default=dict, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    workstation = models.ForeignKey(
        "workshop.Workstation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("workstation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("hardware snapshot")
        verbose_name_plural = _("hardware snapshots")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.source_format} · {self.received_at:%Y-%m-%d %H:%M}"


class Certificate(models.Model):
    """A data-sanitisation certificate as issued: its public code and canonical content."""

    class Kind(models.TextChoices):
        DEVICE = "device", _("Device")
        COLLECTION = "collection", _("Collection")

    code = models.CharField(_("verification code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="certificates",
        null=True,
        blank=True,
        verbose_name=_("device"),
    )
    collection = models.ForeignKey(
        "inventory.Collection",
        on_delete=models.PROTECT,
        related_name="certificates",
        null=True,
        blank=True,
        verbose_name=_("collection"),
    )
    content = models.JSONField(_("certified facts"))
    content_sha256 = models.CharField(_("SHA-256 of the facts"), max_length=64)
    language = models.CharField(_("language"), max_length=8, default="fr")
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("sanitisation certificate")
        verbose_name_plural = _("sanitisation certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="device", device__isnull=False, collection__isnull=True)
                    | models.Q(kind="collection", collection__isnull=False, device__isnull=True)
                ),
                name="certificate_one_subject",
            )
        ]

    def __str__(self) -> str:
        return self.code


class ReportImport(models.Model):
    """One bench report file imported in bulk (an offline agent's USB stick, refurb.imports).

    Its SHA-256 is unique: the same file imported again (twice on the stick, a second upload,
    a retried job) is recognised and records nothing twice."""

    class Kind(models.TextChoices):
        SNAPSHOT = "snapshot", _("hardware snapshot")
        ERASURE = "erasure", _("erasure evidence")

    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    site = models.ForeignKey(
        "workshop.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("device"),
    )
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("hardware snapshot"),
    )
    job_id = models.PositiveIntegerField(_("job"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("imported report")
        verbose_name_plural = _("imported reports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.kind}"
