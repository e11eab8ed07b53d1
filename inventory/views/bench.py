"""The scan field of every bench, and the lookup screen of benches without their own."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory import signals
from inventory.models import Collection
from inventory.scan import scan_resolve
from refurb.models import Device
from workshop.access import site_allowed
from workshop.exceptions import DomainError
from workshop.forms import ScanForm
from workshop.models import WorkstationKind as WK
from workshop.views.common import (
    bench_device_url,
    bench_home_url,
    bench_view,
    done,
    render_bench,
    safe_next,
    show_error,
)

INTAKE_COLLECTION = "intake_collection"


def collection_donor_shown(request, collection):
    """The donor's name as this person may read it: a private person's only for managers."""
    if collection is None:
        return None
    if inventory_selectors.donor_name_visible(request.user, collection.donor, collection.site_id):
        collection.donor_shown = collection.donor.name
        collection.donor_private = False
    else:
        collection.donor_shown = _("a private person")
        collection.donor_private = True
    return collection


def collection_arrived(request, collection) -> None:
    """Tell the layers above that ``collection`` is at the workshop (its donor is mailed the
    link to their page, once: reports)."""
    if collection is not None:
        signals.collection_arrived.send(sender=Collection, collection=collection, request=request)


def collection_opened(request, collection) -> str:
    """The message saying ``collection`` is open, naming its donor as this person may read it."""
    collection_donor_shown(request, collection)
    if collection.donor_private:
        return _("Collection %(tag)s from a private person is open.") % {"tag": collection.tag}
    return _("Collection %(tag)s from %(donor)s is open.") % {
        "tag": collection.tag,
        "donor": collection.donor_shown,
    }


@require_POST
@bench_view
def scan(request):
    """Resolve a scanned code: open a device, move the open device to a location, and so on."""
    form = ScanForm(request.POST)
    form.is_valid()
    code = form.cleaned_data.get("code", "")
    back = safe_next(request, bench_home_url(request.workstation))
    try:
        result = scan_resolve(code)
    except DomainError as error:
        show_error(request, error)
        return done(request, back)
    workstation = request.workstation
    owner = result.obj.device if result.kind == "drive" else result.obj
    site_id = getattr(owner, "site_id", None)
    if site_id is not None and not site_allowed(
        site_id, actor=request.user, workstation=workstation
    ):
        messages.warning(
            request,
            _(
                "%(code)s belongs to the site %(site)s, not to this bench's site: it is handled "
                "at that site."
            )
            % {"code": code, "site": owner.site.code},
            extra_tags="other_site",
        )
        return done(request, back)
    if result.kind == "device":
        return done(request, bench_device_url(workstation, result.obj))
    if result.kind == "part":
        return done(request, reverse("bench:part", args=[result.obj.tag]))
    if result.kind == "drive":
        messages.info(
            request,
            _("Drive %(drive)s belongs to %(tag)s.")
            % {"drive": result.obj.tag, "tag": result.obj.device.asset_tag},
        )
        return done(request, bench_device_url(workstation, result.obj.device))
    if result.kind == "location":
        open_tag = form.cleaned_data.get("device") or ""
        device = Device.objects.filter(asset_tag=open_tag).first() if open_tag else None
        if device is None:
            messages.warning(
                request,
                _("Location %(name)s: scan a device first, then the place to put it.")
                % {"name": result.obj.name},
                extra_tags="scan_location_first",
            )
            return done(request, back)
        inventory_services.device_move(
            device=device, location=result.obj, actor=request.user, workstation=workstation
        )
        messages.success(
            request,
            _("%(tag)s is now at %(name)s.") % {"tag": device.asset_tag, "name": result.obj.name},
        )
        return done(request, bench_device_url(workstation, device))
    if result.kind == "collection":
        if workstation.kind == WK.INTAKE:
            request.session[INTAKE_COLLECTION] = result.obj.pk
            messages.success(request, collection_opened(request, result.obj))
            collection_arrived(request, result.obj)
            return done(request, reverse("bench:intake"))
        messages.warning(
            request,
            _("%(tag)s is a collection label: collections are opened at the intake bench.")
            % {"tag": result.obj.tag},
        )
        return done(request, back)
    messages.warning(request, _("%(code)s is not used at this bench.") % {"code": code})
    return done(request, back)


@bench_view
def lookup(request):
    """The bench screen of workstations without their own (shop, stock): scan to open a card."""
    return render_bench(request, "inventory/bench/lookup.html")
