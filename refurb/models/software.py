"""The systems installed on devices: the configured images, the licence stock, the records.

A ``SystemImage`` is reference data (a manager's list, free software by default: Debian,
Linux Mint, Emmabuntüs), changed only through ``refurb.services.reference_change``. A
proprietary image takes one ``LicenceKey`` from its site's stock per installation: a key is
loaded once (unique) and used by one installation at most (the one-to-one column below is the
database's promise). A ``SystemInstallation`` records what was installed on a device at the test
or grading bench, when, by whom (a person or the bench's agent) and whether the first boot
passed; it is written by ``refurb.services.system_install`` only and never changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refurb.models.audit import AppendOnlyModel
from refurb.models.bench import BenchRecord


class SystemImage(models.Model):
    """One system the workshop installs, with its version (e.g. Linux Mint 22.1)."""

    class Licence(models.TextChoices):
        FREE = "free", _("Free software: no licence")
        KEY = "key", _("Proprietary: one licence from the stock per installation")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    version = models.CharField(_("version"), max_length=40)
    licence = models.CharField(
        _("licence"), max_length=8, choices=Licence.choices, default=Licence.FREE
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Offered at the benches for new installations.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("system image")
        verbose_name_plural = _("system images")
        ordering = ["order", "name", "version"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}".strip()

    @property
    def needs_licence(self) -> bool:
        return self.licence == self.Licence.KEY


def licence_masked(key: str) -> str:
    """A licence key as everyone but a manager sees it: its last five characters only."""
    visible = key[-5:] if len(key) > 8 else ""
    return f"•••••-{visible}" if visible else "•••••"


class LicenceKey(models.Model):
    """One licence of a proprietary image in a site's stock: a product key or a refurbisher
    licence (its certificate's number). Loaded by a manager, used by one installation."""

    class Kind(models.TextChoices):
        PRODUCT_KEY = "product_key", _("Product key")
        REFURBISHER = "refurbisher", _("Refurbisher licence")

    site = models.ForeignKey(
        "workshop.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    image = models.ForeignKey(
        SystemImage,
        on_delete=models.PROTECT,
        related_name="licence_keys",
        verbose_name=_("system image"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.PRODUCT_KEY
    )
    key = models.CharField(_("key"), max_length=100)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loaded by"),
    )
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("licence key")
        verbose_name_plural = _("licence keys")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["key"], name="licencekey_unique_key")]
        indexes = [models.Index(fields=["site", "image"], name="licencekey_stock")]

    def __str__(self) -> str:
        return f"{self.image} · {self.masked}"

    @property
    def masked(self) -> str:
        return licence_masked(self.key)


class SystemInstallation(AppendOnlyModel, BenchRecord):
    """A system installed on a device: which image (name and version kept as they were), when,
    by whom, with which licence, and whether the first boot check passed."""

    device = models.ForeignKey(
        "refurb.Device",
        on_delete=models.PROTECT,
        related_name="installations",
        verbose_name=_("device"),
    )
    image = models.ForeignKey(
        SystemImage, on_delete=models.PROTECT, related_name="+", verbose_name=_("system image")
    )
    name = models.CharField(_("system"), max_length=80)
    version = models.CharField(_("version"), max_length=40)
    installed_at = models.DateTimeField(_("installed at"))
    first_boot_passed = models.BooleanField(_("first boot check passed"))
    # One installation per licence, ever: the database refuses a key used twice.
    licence = models.OneToOneField(
        LicenceKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="installation",
        verbose_name=_("licence"),
    )
    actor_kind = models.CharField(_("installed by"), max_length=8)
    cycle = models.PositiveIntegerField(_("test cycle"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("system installation")
        verbose_name_plural = _("system installations")
        ordering = ["id"]
        indexes = [models.Index(fields=["device", "-id"], name="installation_latest")]

    def __str__(self) -> str:
        return f"{self.device_id} · {self.label}"

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}".strip()
