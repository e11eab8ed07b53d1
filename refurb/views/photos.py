"""Photos of a device: taken at the grading bench, served to the catalogue and the benches.

A photo's file is public while its device is on sale (the catalogue and ``/d/<tag>`` show it);
otherwise only people of the device's site see it. Files are read through Django's default
storage, so the same view serves the local media folder and an S3-compatible bucket.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from refurb import services as refurb_services
from refurb.models import MAX_PHOTOS, DevicePhoto
from refurb.states import State
from refurb.views.common import device_get, site_check_device
from workshop.access import role_allows, site_allowed
from workshop.exceptions import DomainError
from workshop.roles import user_roles
from workshop.views.common import bench_device_url, bench_view, done, safe_next, show_error

SIZES = {"thumb": "thumbnail", "full": "image"}


@require_GET
def photo_file(request, pk: int, size: str):
    if size not in SIZES:
        raise Http404
    photo = DevicePhoto.objects.select_related("device").filter(pk=pk).first()
    if photo is None:
        raise Http404
    public = photo.device.state == State.ON_SALE
    if not public and not (
        request.user.is_authenticated and site_allowed(photo.device.site_id, actor=request.user)
    ):
        raise Http404
    name = getattr(photo, SIZES[size])
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@bench_view
def photo_add(request, tag):
    """Add the photos sent from the grading bench (up to four a device)."""
    device = device_get(tag)
    back = safe_next(request, bench_device_url(request.workstation, device)) + "#photos"
    try:
        site_check_device(request, device)
    except DomainError as error:
        show_error(request, error)
        return done(request, back)
    files = request.FILES.getlist("photo")
    if not files:
        messages.error(request, _("Choose or take a photo first, then press “Add the photos”."))
        return done(request, back)
    if len(files) > MAX_PHOTOS:
        messages.error(
            request,
            _("Send at most %(count)d photos at once: choose fewer.") % {"count": MAX_PHOTOS},
        )
        return done(request, back)
    added = 0
    for upload in files:
        try:
            refurb_services.device_photo_add(
                device=device,
                data=upload.read(),
                actor=request.user,
                workstation=request.workstation,
            )
        except DomainError as error:
            show_error(request, error)
            break
        added += 1
    if added:
        messages.success(
            request,
            ngettext("%(count)d photo added.", "%(count)d photos added.", added) % {"count": added},
        )
    return done(request, back)


@require_POST
@bench_view
def photo_remove(request, tag, pk: int):
    device = device_get(tag)
    back = safe_next(request, bench_device_url(request.workstation, device)) + "#photos"
    photo = DevicePhoto.objects.filter(pk=pk, device=device).select_related("device").first()
    try:
        site_check_device(request, device)
        if photo is None:
            raise DomainError("not_found", _("This photo was already removed."), status=404)
        refurb_services.device_photo_remove(
            photo=photo, actor=request.user, workstation=request.workstation
        )
    except DomainError as error:
        show_error(request, error)
        return done(request, back)
    messages.success(request, _("Photo removed."))
    return done(request, back)


def photos_context(request, device) -> dict:
    """The grading card's photos (one query) and whether this person may add some here."""
    from refurb.services.photos import PHOTO_STATES, PHOTO_STATIONS

    photos = list(DevicePhoto.objects.filter(device=device).order_by("position"))
    station = getattr(request, "workstation", None)
    can = (
        device.state in PHOTO_STATES
        and station is not None
        and station.kind in PHOTO_STATIONS
        and role_allows(user_roles(request.user), "photo", "add")
        and site_allowed(device.site_id, actor=request.user, workstation=station)
    )
    return {
        "photos": photos,
        "can_photo": can,
        "max_photos": MAX_PHOTOS,
        "photos_left": max(MAX_PHOTOS - len(photos), 0),
    }
