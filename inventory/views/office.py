"""Manager screens of the inventory: stocktakes and recycling shipments."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inventory import services
from inventory.documents.shipment import shipment_slip_pdf
from inventory.documents.stocktake import (
    stocktake_csv,
    stocktake_lines,
    stocktake_pdf,
    stocktake_summary,
)
from inventory.models import (
    Location,
    RecyclingShipment,
    RecyclingShipmentLine,
    Stocktake,
    StocktakeLine,
)
from inventory.services.stocktake_close import ALLOWED_RESOLUTIONS
from refurb.states import State
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.roles import COACH, MANAGER
from workshop.views.common import roles_required

ANY_ROLE = frozenset({"bench_worker", COACH, "shop", MANAGER})


def _flash(request, error: DomainError) -> None:
    messages.error(request, error.message)


class StocktakeOpenForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.all(), label=gettext_lazy("Site"))
    locations = forms.ModelMultipleChoiceField(
        Location.objects.filter(is_active=True).select_related("site"),
        required=False,
        label=gettext_lazy("Locations (none: the whole site)"),
    )
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))


@roles_required(MANAGER)
def stocktake_list(request):
    form = StocktakeOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stocktake = services.stocktake_open(
                site=form.cleaned_data["site"],
                locations=form.cleaned_data["locations"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as error:
            _flash(request, error)
        else:
            return redirect("inventory:stocktake_detail", pk=stocktake.pk)
    stocktakes = Stocktake.objects.select_related("site", "opened_by").order_by("-opened_at")[:50]
    return render(
        request, "inventory/audit/stocktake_list.html", {"stocktakes": stocktakes, "form": form}
    )


@roles_required(MANAGER)
def stocktake_detail(request, pk: int):
    stocktake = get_object_or_404(Stocktake.objects.select_related("site"), pk=pk)
    lines = stocktake_lines(stocktake).exclude(kind=StocktakeLine.Kind.FOUND)
    return render(
        request,
        "inventory/audit/stocktake_detail.html",
        {
            "stocktake": stocktake,
            "summary": stocktake_summary(stocktake),
            "lines": lines,
            "resolutions": ALLOWED_RESOLUTIONS,
            "kinds": StocktakeLine.Kind,
            "written_off": State.WRITTEN_OFF,
        },
    )


def _location_from(code: str, stocktake: Stocktake) -> Location:
    location = Location.objects.filter(tag=(code or "").strip().upper()).first()
    if location is None or location.site_id != stocktake.site_id:
        raise DomainError(
            "location_unknown",
            _("Scan the label of a location of this site first."),
            fields={"location": [_("Unknown location.")]},
        )
    return location


@roles_required(*ANY_ROLE)
def stocktake_scan(request, pk: int):
    """The scanning screen: scan a location label, then every device label found there."""
    stocktake = get_object_or_404(Stocktake.objects.select_related("site"), pk=pk)
    location_tag = request.POST.get("location", request.GET.get("location", ""))
    last = None
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()
        location = Location.objects.filter(tag=code.upper(), site=stocktake.site).first()
        if location is not None:
            location_tag = location.tag
            messages.info(request, _("Now scanning at %(location)s.") % {"location": location})
        else:
            try:
                location = _location_from(location_tag, stocktake)
                last, created = services.stocktake_record_scan(
                    stocktake=stocktake, code=code, location=location, actor=request.user
                )
                if not created:
                    messages.warning(request, _("Already counted: %(code)s.") % {"code": last.code})
            except DomainError as error:
                _flash(request, error)
    return render(
        request,
        "inventory/audit/stocktake_scan.html",
        {
            "stocktake": stocktake,
            "location_tag": location_tag,
            "last": last,
            "count": stocktake.scans.count(),
        },
    )


@require_POST
@roles_required(*ANY_ROLE)
def stocktake_scan_api(request, pk: int):
    """``POST /stocktakes/{id}/scans`` with ``{"code": ..., "location": <tag>}``."""
    stocktake = get_object_or_404(Stocktake, pk=pk)
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return JsonResponse(
            {"code": "invalid_json", "message": _("Send a JSON object."), "fields": {}}, status=400
        )
    try:
        location = _location_from(str(body.get("location", "")), stocktake)
        scan, created = services.stocktake_record_scan(
            stocktake=stocktake,
            code=str(body.get("code", "")),
            location=location,
            actor=request.user,
        )
    except DomainError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return JsonResponse(
        {
            "id": scan.pk,
            "code": scan.code,
            "device": scan.device.asset_tag if scan.device_id else None,
            "location": scan.location.tag,
            "created": created,
        },
        status=201 if created else 200,
    )


@require_POST
@roles_required(MANAGER)
def stocktake_reconcile(request, pk: int):
    stocktake = get_object_or_404(Stocktake, pk=pk)
    try:
        services.stocktake_reconcile(stocktake=stocktake)
    except DomainError as error:
        _flash(request, error)
    return redirect("inventory:stocktake_detail", pk=pk)


@require_POST
@roles_required(MANAGER)
def stocktake_resolve(request, pk: int, line_pk: int):
    line = get_object_or_404(StocktakeLine, pk=line_pk, stocktake_id=pk)
    try:
        services.stocktake_resolve_line(
            line=line,
            resolution=request.POST.get("resolution", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except DomainError as error:
        _flash(request, error)
    return redirect("inventory:stocktake_detail", pk=pk)


@require_POST
@roles_required(MANAGER)
def stocktake_close(request, pk: int):
    stocktake = get_object_or_404(Stocktake, pk=pk)
    try:
        services.stocktake_close(stocktake=stocktake, actor=request.user)
    except DomainError as error:
        _flash(request, error)
    else:
        messages.success(request, _("Stocktake closed: every resolution was applied."))
    return redirect("inventory:stocktake_detail", pk=pk)


@roles_required(MANAGER)
def stocktake_report_pdf(request, pk: int):
    stocktake = get_object_or_404(Stocktake.objects.select_related("site"), pk=pk)
    response = HttpResponse(stocktake_pdf(stocktake), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="stocktake-{pk}.pdf"'
    return response


@roles_required(MANAGER)
def stocktake_report_csv(request, pk: int):
    stocktake = get_object_or_404(Stocktake, pk=pk)
    response = HttpResponse(stocktake_csv(stocktake), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stocktake-{pk}.csv"'
    return response


class ShipmentOpenForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.all(), label=gettext_lazy("Site"))
    recycler = forms.CharField(max_length=160, label=gettext_lazy("Recycler"))


@roles_required(COACH, MANAGER)
def shipment_list(request):
    form = ShipmentOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shipment = services.shipment_open(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _flash(request, error)
        else:
            return redirect("inventory:shipment_detail", pk=shipment.pk)
    shipments = RecyclingShipment.objects.select_related("site").order_by("-id")[:50]
    return render(
        request, "inventory/audit/shipment_list.html", {"shipments": shipments, "form": form}
    )


@roles_required(COACH, MANAGER)
def shipment_detail(request, pk: int):
    shipment = get_object_or_404(RecyclingShipment.objects.select_related("site"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add_device":
                from inventory.scan import scan_resolve

                found = scan_resolve(request.POST.get("code", ""))
                if found.kind != "device":
                    raise DomainError("not_a_device", _("Scan a device's asset tag."))
                services.shipment_add_device(
                    shipment=shipment,
                    device=found.obj,
                    weight_kg=request.POST.get("weight_kg") or None,
                )
            elif action == "add_parts":
                services.shipment_add_parts(
                    shipment=shipment,
                    description=request.POST.get("description", ""),
                    weight_kg=request.POST.get("weight_kg") or "0",
                )
            elif action == "remove":
                line = get_object_or_404(
                    RecyclingShipmentLine, pk=request.POST.get("line"), shipment=shipment
                )
                services.shipment_remove_line(line=line)
            elif action == "ship":
                services.shipment_ship(shipment=shipment, actor=request.user)
                messages.success(request, _("Shipment marked as shipped."))
            elif action == "certificate":
                services.shipment_record_certificate(
                    shipment=shipment, certificate_ref=request.POST.get("certificate_ref", "")
                )
        except DomainError as error:
            _flash(request, error)
        return redirect("inventory:shipment_detail", pk=pk)
    lines = shipment.lines.select_related("device", "device__category")
    return render(
        request, "inventory/audit/shipment_detail.html", {"shipment": shipment, "lines": lines}
    )


@roles_required(COACH, MANAGER)
def shipment_slip(request, pk: int):
    shipment = get_object_or_404(RecyclingShipment.objects.select_related("site"), pk=pk)
    response = HttpResponse(shipment_slip_pdf(shipment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="shipment-{pk}.pdf"'
    return response
