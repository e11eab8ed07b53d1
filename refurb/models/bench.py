"""The bench process: grades, drives, erasures and destructions, checklists, tests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refurb.snapshots.methods import is_read_only


class Grade(models.Model):
    """A cosmetic and functional grade with the written criteria shown at the grading bench."""

    code = models.CharField(_("code"), max_length=1, unique=True)
    name = models.CharField(_("name"), max_length=60)
    criteria = models.TextField(_("criteria"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Drive(models.Model):
    """A storage device found in (or taken from) a device; it must be erased or destroyed."""

    class Kind(models.TextChoices):
        HDD = "hdd", _("Hard disk (HDD)")
        SSD = "ssd", _("SSD")
        NVME = "nvme", _("NVMe")
        EMMC = "emmc", _("eMMC")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("To erase")
        ERASED = "erased", _("Erased and verified")
        FAILED = "failed", _("Erasure failed: destroy it")
        DESTROYED = "destroyed", _("Destroyed")

    SAFE_STATUSES = frozenset({Status.ERASED, Status.DESTROYED})

    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="drives",
        verbose_name=_("device"),
    )
    # The device it was taken out of, when a drive part was fitted into ``device`` (the
    # device it now belongs to, with its erasures and destruction: its evidence follows it).
    taken_from = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="drives_taken_out",
        verbose_name=_("taken out of"),
    )
    tag = models.CharField(_("tag"), max_length=20, unique=True, editable=False)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    model = models.CharField(_("model"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.HDD)
    capacity_bytes = models.PositiveBigIntegerField(_("capacity (bytes)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    smart = models.JSONField(_("SMART data"), default=dict, blank=True)
    failing = models.BooleanField(_("failing (SMART)"), default=False)
    power_on_hours = models.PositiveIntegerField(_("power-on hours"), null=True, blank=True)
    reallocated = models.PositiveIntegerField(_("reallocated sectors"), null=True, blank=True)
    pending = models.PositiveIntegerField(_("pending sectors"), null=True, blank=True)
    media_errors = models.PositiveBigIntegerField(_("media errors"), null=True, blank=True)
    smart_passed = models.BooleanField(_("SMART self-assessment passed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("drive")
        verbose_name_plural = _("drives")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["serial_number"], name="drive_serial"),
            # Serials are matched whatever their case (refurb.selectors.drives_by_serial).
            models.Index(Upper("serial_number"), name="drive_serial_upper"),
            models.Index(fields=["device", "status"], name="drive_device_status"),
        ]

    def __str__(self) -> str:
        return f"{self.tag} · {self.serial_number or self.get_kind_display()}"

    @property
    def is_safe(self) -> bool:
        return self.status in self.SAFE_STATUSES


class NistMethod(models.TextChoices):
    """Sanitisation categories of NIST SP 800-88."""

    CLEAR = "clear", _("Clear (overwrite)")
    PURGE = "purge", _("Purge (secure erase, sanitize, crypto erase)")
    DESTROY = "destroy", _("Destroy")


class BenchRecord(models.Model):
    """Evidence recorded at a bench: who recorded it and at which workstation."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operator"),
    )
    workstation = models.ForeignKey(
        "workshop.Workstation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("workstation"),
    )

    class Meta:
        abstract = True


class Erasure(BenchRecord):
    """One erasure run on one drive, as recorded at the erasure bench or by a tool's log."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILED = "failed", _("Failed")
        ABORTED = "aborted", _("Aborted")

    drive = models.ForeignKey(
        Drive, on_delete=models.PROTECT, related_name="erasures", verbose_name=_("drive")
    )
    method = models.CharField(_("NIST SP 800-88 method"), max_length=8, choices=NistMethod.choices)
    standard = models.CharField(
        _("pattern or standard"), max_length=80, blank=True, help_text=_("e.g. DoD short, zero")
    )
    tool = models.CharField(_("tool"), max_length=80)
    passes = models.PositiveSmallIntegerField(_("passes"), default=1)
    verified = models.BooleanField(_("verified"), default=False)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    log = models.TextField(_("tool log"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.drive} · {self.get_method_display()} · {self.get_result_display()}"

    @property
    def is_proof(self) -> bool:
        """A finished, verified run of a method that writes (never a read-only check)."""
        return (
            self.result == self.Result.SUCCESS
            and self.verified
            and not is_read_only(self.tool, self.standard)
        )


class VerificationSample(models.Model):
    """An erased drive drawn at random for an independent check (R2v3 verification sampling).

    Drawn when a proof of erasure is recorded (``ATELIER_ERASURE_VERIFICATION_SHARE``, 5 % by
    default); checked by a different person than the one who erased it. ``passed`` is None
    until the check is recorded.
    """

    erasure = models.OneToOneField(
        Erasure, on_delete=models.PROTECT, related_name="verification", verbose_name=_("erasure")
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    passed = models.BooleanField(_("check passed"), null=True, blank=True)
    note = models.TextField(_("check notes"), blank=True)

    class Meta:
        verbose_name = _("verification sample")
        verbose_name_plural = _("verification samples")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.erasure.drive} · {self.passed}"


class Destruction(BenchRecord):
    """A drive physically destroyed, with the witness who saw it done."""

    class Method(models.TextChoices):
        SHREDDING = "shredding", _("Shredding")
        CRUSHING = "crushing", _("Crushing")
        DRILLING = "drilling", _("Drilling")
        DEGAUSSING = "degaussing", _("Degaussing")
        DISINTEGRATION = "disintegration", _("Disintegration")

    drive = models.OneToOneField(
        Drive, on_delete=models.PROTECT, related_name="destruction", verbose_name=_("drive")
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    witness = models.CharField(_("witness"), max_length=120)
    destroyed_at = models.DateTimeField(_("destroyed at"), default=timezone.now)
    certificate_ref = models.CharField(_("certificate reference"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("destruction")
        verbose_name_plural = _("destructions")

    def __str__(self) -> str:
        return f"{self.drive} · {self.get_method_display()}"


class ChecklistItem(models.Model):
    """One check of a category's test checklist; mandatory items must pass before `tested`."""

    category = models.ForeignKey(
        "refurb.Category",
        on_delete=models.PROTECT,
        related_name="checklist_items",
        verbose_name=_("category"),
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=160)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["category", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="checklist_unique_code")
        ]

    def __str__(self) -> str:
        return self.label


class TestResult(BenchRecord):
    """The outcome of one checklist item on one device; the latest per item of the device's
    current test cycle counts."""

    __test__ = False  # not a pytest test class

    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="test_results",
        verbose_name=_("device"),
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="results", verbose_name=_("check")
    )
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tested at"), default=timezone.now)
    # The device's test cycle when the result was recorded (``Device.test_cycle``).
    cycle = models.PositiveIntegerField(_("test cycle"), default=0, db_default=0, editable=False)

    class Meta:
        verbose_name = _("test result")
        verbose_name_plural = _("test results")
        ordering = ["id"]
        indexes = [models.Index(fields=["device", "item", "-id"], name="testresult_latest")]

    def __str__(self) -> str:
        return f"{self.item} · {'OK' if self.passed else 'KO'}"
