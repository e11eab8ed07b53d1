"""Manager screens of the audit: stocktakes, traceability, reports, recycling shipments.

Views are thin: they read the request, call a service or a report, and render; a refused action
(``DomainError``) becomes a message on the page (or a JSON error), never a 500.
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inventory import services
from inventory.models import (
    Donor,
    Location,
    RecyclingShipment,
    RecyclingShipmentLine,
    Stocktake,
    StocktakeLine,
)
from inventory.reports import charts
from inventory.reports.common import Period
from inventory.reports.donor import (
    OUTCOME_LABELS,
    device_certificate_url,
    donor_certificate_url,
    donor_devices,
    donor_outcome_counts,
)
from inventory.reports.shipment import shipment_slip_pdf
from inventory.reports.stocktake import (
    stocktake_csv,
    stocktake_lines,
    stocktake_pdf,
    stocktake_summary,
)
from inventory.reports.tables import COACH_TABLES, TABLES, table_csv
from refurb.models import Device
from refurb.selectors import device_timeline
from refurb.states import State
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.roles import COACH, MANAGER, user_roles

ANY_ROLE = frozenset({"bench_worker", COACH, "shop", MANAGER})


def roles_required(*roles):
    """Let in signed-in users holding one of ``roles``; others get a 403."""
    wanted = frozenset(roles)

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_roles(request.user) & wanted:
                raise PermissionDenied(
                    _("This page is for: %(roles)s.") % {"roles": ", ".join(sorted(wanted))}
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _flash(request, error: DomainError) -> None:
    messages.error(request, error.message)


# ------------------------------------------------------------------------------ stocktakes


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
            "resolutions": services.audit.ALLOWED_RESOLUTIONS,
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


# --------------------------------------------------------------------------- traceability


def _with_details(event):
    event.details = "; ".join(
        f"{key}: {value}"
        for key, value in (event.payload or {}).items()
        if value not in (None, "", [], {})
    )
    return event


@roles_required(*ANY_ROLE)
def device_history(request, asset_tag: str):
    device = get_object_or_404(
        Device.objects.select_related("site", "category", "location", "grade", "collection__donor"),
        asset_tag=asset_tag.upper(),
    )
    return render(
        request,
        "inventory/audit/device_timeline.html",
        {
            "device": device,
            "events": [_with_details(event) for event in device_timeline(device)],
            "certificate_url": device_certificate_url(device),
        },
    )


@roles_required(MANAGER)
def donor_outcomes(request, pk: int):
    donor = get_object_or_404(Donor, pk=pk)
    devices = list(donor_devices(donor))
    for device in devices:
        device.certificate_url = device_certificate_url(device)
        device.outcome_label = OUTCOME_LABELS[device.outcome]
    counts = donor_outcome_counts(donor)
    return render(
        request,
        "inventory/audit/donor_outcomes.html",
        {
            "donor": donor,
            "devices": devices,
            "counts": [(OUTCOME_LABELS[key], counts[key]) for key in OUTCOME_LABELS],
            "total": counts["total"],
            "certificate_url": donor_certificate_url(donor),
        },
    )


# -------------------------------------------------------------------------------- reports


class PeriodForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.all(), required=False, label=gettext_lazy("Site"))
    date_from = forms.DateField(
        required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def period(self) -> Period:
        if not self.is_valid():
            return Period()
        data = self.cleaned_data
        return Period(site=data["site"], date_from=data["date_from"], date_to=data["date_to"])


DEFAULT_REPORT_WEEKS = 12


def period_form(request) -> PeriodForm:
    """The report filters of ``request``; with none at all, the last 12 whole weeks (empty
    dates submitted on purpose mean the whole history)."""
    if request.GET:
        return PeriodForm(request.GET)
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday(), weeks=DEFAULT_REPORT_WEEKS - 1)
    data = QueryDict(mutable=True)
    data.update({"date_from": first.isoformat(), "date_to": today.isoformat()})
    return PeriodForm(data)


def _charts(tables) -> dict[str, str]:
    by_state = tables["stock_by_state"]
    stays = tables["time_in_state"]
    outcomes = tables["outcomes"]
    throughput = tables["throughput"]
    weeks = sorted({row[0] for row in throughput.rows})
    benches = sorted({row[1] for row in throughput.rows})
    per_bench = {
        bench: [
            sum(row[2] for row in throughput.rows if row[0] == week and row[1] == bench)
            for week in weeks
        ]
        for bench in benches
    }
    return {
        "stock": charts.bar_chart(
            _("Devices by state"),
            [row[0] for row in by_state.rows],
            {_("devices"): [row[2] for row in by_state.rows]},
        ),
        "stays": charts.bar_chart(
            _("Hours in each state"),
            [row[0] for row in stays.rows],
            {
                _("median"): [row[3] for row in stays.rows],
                _("90th pct"): [row[4] for row in stays.rows],
            },
        ),
        "outcomes": charts.pie_chart(
            _("Outcomes by weight (kg)"), {row[0]: row[3] for row in outcomes.rows[:3]}
        ),
        "throughput": charts.bar_chart(_("State changes per bench and week"), weeks, per_bench),
    }


@roles_required(MANAGER)
def report_index(request):
    form = period_form(request)
    period = form.period()
    tables = {name: build(period) for name, build in TABLES.items() if name not in COACH_TABLES}
    from inventory.reports import sales_by_buyer

    return render(
        request,
        "inventory/audit/reports.html",
        {
            "form": form,
            "tables": tables,
            "charts": _charts(tables),
            "sales": sales_by_buyer(
                site=period.site, date_from=period.date_from, date_to=period.date_to
            ),
            "query": form.data.urlencode(),
        },
    )


@roles_required(COACH, MANAGER)
def report_workers(request):
    form = period_form(request)
    table = TABLES["workers"](form.period())
    return render(
        request,
        "inventory/audit/report_workers.html",
        {"form": form, "table": table, "query": form.data.urlencode()},
    )


@roles_required(COACH, MANAGER)
def report_csv(request, name: str):
    if name not in TABLES:
        return HttpResponse(status=404)
    if name not in COACH_TABLES and MANAGER not in user_roles(request.user):
        raise PermissionDenied
    table = TABLES[name](period_form(request).period())
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --------------------------------------------------------------------- recycling shipments


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
