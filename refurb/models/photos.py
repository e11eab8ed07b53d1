"""Photos of a device taken at the grading bench, shown in the public catalogue.

The files live in Django's ``default`` storage (``STORAGES``): the local media folder, or an
S3-compatible bucket through django-storages (``ATELIER_MEDIA_STORAGE``). Only the resized
copies are kept, never the upload itself, so no EXIF (GPS position, camera serial) survives.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_PHOTOS = 4


class DevicePhoto(models.Model):
    device = models.ForeignKey(
        "refurb.Device", on_delete=models.PROTECT, related_name="photos", verbose_name=_("device")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # Names in the default storage: the photo (longest side 1600 px) and its thumbnail.
    image = models.CharField(_("photo file"), max_length=255)
    thumbnail = models.CharField(_("thumbnail file"), max_length=255)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    # SHA-256 of the resized photo: the same picture sent twice is kept once.
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("taken at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )

    class Meta:
        verbose_name = _("device photo")
        verbose_name_plural = _("device photos")
        ordering = ["device_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["device", "position"], name="photo_one_per_position"),
            models.UniqueConstraint(fields=["device", "sha256"], name="photo_once_per_device"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} #{self.position}"
