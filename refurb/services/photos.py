"""Photos of a device, added at the grading bench (up to four), removed there too.

The files are written to Django's default storage (local disk or S3-compatible, see
``refurb.models.photos``) before the row; a refused or failed write removes them again, so a
refusal leaves nothing behind. The same picture sent twice (a double submit, the phone sending
again) is kept once: the second call returns the first row.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from refurb.events import event_append
from refurb.models import MAX_PHOTOS, Device, DevicePhoto
from refurb.photos import photo_process
from refurb.services.lifecycle import _lock
from refurb.states import State
from workshop.access import access_check
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK
from workshop.roles import MANAGER, user_roles

PHOTO_STATES = frozenset({State.TESTED, State.GRADED, State.ON_SALE})
PHOTO_STATIONS = frozenset({WK.GRADING})


def _check_station(workstation, actor) -> None:
    if workstation is None:
        raise DomainError(
            "workstation_required",
            _("Photos are taken at the grading bench: choose your bench."),
            status=403,
        )
    if workstation.kind == WK.OFFICE and MANAGER in user_roles(actor):
        return
    if workstation.kind not in PHOTO_STATIONS:
        raise DomainError(
            "workstation_forbidden",
            _("Photos are taken at the grading bench, not at a %(kind)s bench.")
            % {"kind": WK(workstation.kind).label},
            status=403,
        )


def _check_device(device: Device) -> None:
    if device.state not in PHOTO_STATES:
        raise DomainError(
            "device_state",
            _(
                "%(tag)s is “%(state)s”: photos are taken once it is tested, and until it is "
                "sold or reserved."
            )
            % {"tag": device.asset_tag, "state": State(device.state).label},
            status=409,
        )


def device_photo_add(*, device: Device, data: bytes, actor, workstation=None) -> DevicePhoto:
    """Resize and keep one photo of ``device`` (EXIF stripped); append a ``photo_added`` event.

    Refused, nothing written: a file that is not a photo (400), a fifth photo
    (``photo_limit``, 409), a device not tested yet or gone (409), a workstation other than the
    grading bench (403), a role or site that may not (403).
    """
    processed = photo_process(data)
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(device)
            access_check("photo", "add", site=locked.site_id, actor=actor, workstation=workstation)
            _check_station(workstation, actor)
            _check_device(locked)
            existing = list(DevicePhoto.objects.filter(device=locked))
            same = next((p for p in existing if p.sha256 == processed.sha256), None)
            if same is not None:
                return same
            if len(existing) >= MAX_PHOTOS:
                raise DomainError(
                    "photo_limit",
                    _("%(tag)s already has %(count)d photos: remove one before adding another.")
                    % {"tag": locked.asset_tag, "count": MAX_PHOTOS},
                    status=409,
                )
            taken = {p.position for p in existing}
            position = min(n for n in range(1, MAX_PHOTOS + 1) if n not in taken)
            stem = f"photos/{locked.asset_tag}/{processed.sha256[:16]}"
            image = default_storage.save(f"{stem}.jpg", ContentFile(processed.photo))
            written.append(image)
            thumb = default_storage.save(f"{stem}-thumb.jpg", ContentFile(processed.thumbnail))
            written.append(thumb)
            person = actor if getattr(actor, "is_authenticated", False) else None
            photo = DevicePhoto.objects.create(
                device=locked,
                position=position,
                image=image,
                thumbnail=thumb,
                width=processed.width,
                height=processed.height,
                sha256=processed.sha256,
                created_by=person,
            )
            event_append(
                device=locked,
                code="photo_added",
                actor=actor,
                workstation=workstation,
                payload={"photo": photo.pk, "position": position},
            )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return photo


def device_photo_remove(*, photo: DevicePhoto, actor, workstation=None) -> None:
    """Remove one photo of a device (its files too); append a ``photo_removed`` event."""
    with transaction.atomic():
        locked = _lock(photo.device)
        access_check("photo", "add", site=locked.site_id, actor=actor, workstation=workstation)
        _check_station(workstation, actor)
        _check_device(locked)
        row = DevicePhoto.objects.select_for_update().filter(pk=photo.pk, device=locked).first()
        if row is None:
            raise DomainError("not_found", _("This photo was already removed."), status=404)
        names = [row.image, row.thumbnail]
        event_append(
            device=locked,
            code="photo_removed",
            actor=actor,
            workstation=workstation,
            payload={"photo": row.pk, "position": row.position},
        )
        row.delete()
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
