"""The intake bench: open a collection, register devices in a few keystrokes, show the tag."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.forms import CollectionForm, DeviceRegisterForm
from inventory.models import Collection
from inventory.views.bench import (
    INTAKE_COLLECTION,
    collection_arrived,
    collection_donor_shown,
    collection_opened,
)
from refurb import selectors as refurb_selectors
from refurb import services as refurb_services
from refurb.models import Category
from refurb.views.common import device_context, device_get
from workshop.exceptions import DomainError
from workshop.forms import form_errors
from workshop.labelprint import bench_print
from workshop.views.common import bench_view, done, render_bench, show_error


def _open_collection(request):
    pk = request.session.get(INTAKE_COLLECTION)
    if not pk:
        return None
    return (
        Collection.objects.select_related("donor")
        .filter(pk=pk, site=request.workstation.site)
        .annotate(device_count=Count("devices"))
        .first()
    )


def _intake_context(request, register_form=None, collection_form=None) -> dict:
    site = request.workstation.site
    return {
        "collection": collection_donor_shown(request, _open_collection(request)),
        "collections": [
            collection_donor_shown(request, c) for c in inventory_selectors.collections_recent(site)
        ],
        "categories": list(Category.objects.all()),
        "suggestions": refurb_selectors.intake_suggestions(site),
        "register_form": register_form or DeviceRegisterForm(),
        "collection_form": collection_form or CollectionForm(user=request.user),
    }


@bench_view
def intake(request):
    """Show the open collection, the registration form and the recent collections."""
    return render_bench(request, "inventory/bench/intake.html", _intake_context(request))


@bench_view
def intake_device(request, tag):
    """Show the newly registered device's tag in big letters, with its label hook."""
    device = device_get(tag)
    context = _intake_context(request)
    context.update(device_context(request, device, timeline=False))
    context["register_form"] = DeviceRegisterForm(
        initial={"category": device.category_id, "make": device.make}
    )
    return render_bench(request, "inventory/bench/intake.html", context)


@require_POST
@bench_view
def collection_open(request):
    """Open an existing collection of this site (or close the open one)."""
    pk = request.POST.get("collection")
    if not pk:
        request.session.pop(INTAKE_COLLECTION, None)
        return done(request, reverse("bench:intake"))
    collection = (
        Collection.objects.filter(pk=pk, site=request.workstation.site)
        .select_related("donor")
        .first()
        if str(pk).isdigit()
        else None
    )
    if collection is None:
        messages.error(request, _("This collection does not exist at this site."))
    else:
        request.session[INTAKE_COLLECTION] = collection.pk
        messages.success(request, collection_opened(request, collection))
        collection_arrived(request, collection)
    return done(request, reverse("bench:intake"))


@require_POST
@bench_view
def collection_create(request):
    """Create a collection (and its donor when new) and open it."""
    form = CollectionForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return render_bench(
            request, "inventory/bench/intake.html", _intake_context(request, collection_form=form)
        )
    data = form.cleaned_data
    try:
        with transaction.atomic():
            donor = data["donor"] or inventory_services.donor_create(
                kind=data["donor_kind"], name=data["donor_name"]
            )
            collection = inventory_services.collection_create(
                donor=donor,
                site=request.workstation.site,
                gross_weight_kg=data["gross_weight_kg"] or 0,
                declared_count=data["declared_count"] or 0,
            )
    except DomainError as error:
        show_error(request, error)
        return render_bench(
            request, "inventory/bench/intake.html", _intake_context(request, collection_form=form)
        )
    request.session[INTAKE_COLLECTION] = collection.pk
    messages.success(
        request,
        _("Collection %(tag)s from %(donor)s is open.")
        % {"tag": collection.tag, "donor": donor.name},
    )
    return done(request, reverse("bench:intake"))


@require_POST
@bench_view
def device_register(request):
    """Register one device into the open collection and show its new asset tag."""
    form = DeviceRegisterForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return render_bench(
            request, "inventory/bench/intake.html", _intake_context(request, register_form=form)
        )
    data = form.cleaned_data
    same_serial = (
        refurb_selectors.devices_by_serial(data["serial_number"], related=("category",))
        if data["serial_number"] and not request.POST.get("duplicate_ok")
        else []
    )
    if same_serial:
        messages.warning(
            request,
            _(
                "A device with serial number %(serial)s is already registered (%(tag)s). Open "
                "it, or register this one anyway if it is really another device."
            )
            % {"serial": data["serial_number"], "tag": same_serial[0].asset_tag},
            extra_tags="serial_exists",
        )
        context = _intake_context(request, register_form=form)
        context["same_serial"] = same_serial
        return render_bench(request, "inventory/bench/intake.html", context)
    collection = _open_collection(request)
    try:
        device = refurb_services.device_register(
            site=request.workstation.site,
            category=data["category"],
            actor=request.user,
            collection=collection,
            make=data["make"],
            model=data["model"],
            serial_number=data["serial_number"],
            weight_kg=data["weight_kg"],
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
        return render_bench(
            request, "inventory/bench/intake.html", _intake_context(request, register_form=form)
        )
    collection_arrived(request, collection)
    messages.success(
        request, _("%(tag)s registered: stick its label on it.") % {"tag": device.asset_tag}
    )
    bench_print(request, template="device_tag", obj=device, action_key=f"register:{device.pk}")
    return done(request, reverse("bench:intake-device", args=[device.asset_tag]))
