"""Read a photo sent from the bench camera or a phone, and make the copies the catalogue shows.

Pillow decodes the upload (JPEG, PNG, WebP, HEIF is not accepted), turns it the way the camera
held it (the EXIF orientation), then writes fresh JPEGs (longest side 1600 px, and a 480 px
thumbnail) with no metadata at all: no GPS position, no camera serial, no date survives.
A file that is not a picture, too big or too large in pixels is refused with a French message
that says what to do.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from workshop.exceptions import DomainError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
FULL_SIDE = 1600
THUMB_SIDE = 480
ACCEPTED = {"JPEG", "PNG", "WEBP", "MPO"}


@dataclass(frozen=True)
class Processed:
    photo: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str


def _refuse(message: str) -> DomainError:
    return DomainError("photo_invalid", message, fields={"photo": [message]}, status=400)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # A new image from the pixels alone: nothing of the upload's metadata is carried over.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def photo_process(data: bytes) -> Processed:
    """Check and resize one uploaded photo; raise ``DomainError`` (400) when it is not one."""
    if not data:
        raise _refuse(_("The file is empty: take the photo again."))
    if len(data) > MAX_BYTES:
        raise _refuse(_("The photo is larger than 20 MB: take it again at a lower resolution."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(_("The photo has too many pixels: take it at a lower resolution."))
            probe.verify()
        if kind not in ACCEPTED:
            raise _refuse(_("This is not a JPEG, PNG or WebP photo: take a photo with the camera."))
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((FULL_SIDE, FULL_SIDE), Image.Resampling.LANCZOS)
            photo = _jpeg(image)
            thumb = image.copy()
            thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
            thumbnail = _jpeg(thumb)
            width, height = image.size
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _refuse(
            _("This file is not a photo Atelier can read: take a photo with the camera (JPEG).")
        ) from None
    return Processed(photo, thumbnail, width, height, hashlib.sha256(photo).hexdigest())
