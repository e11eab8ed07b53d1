"""Manager screens of the inventory: stocktakes and recycling shipments."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
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
    Carrier,
    Location,
    ReceivingFacility,
    RecyclingShipment,
    RecyclingShipmentLine,
    Stocktake,
    StocktakeLine,
    WasteCode,
)
from inventory.models.waste import (
    TreatmentMode,
    validate_basel_code,
    validate_treatment_code,
)
from inventory.selectors import stocktake_parts
from inventory.services.stocktake_close import resolutions_for
from workshop.access import role_allows, site_allowed
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.roles import COACH, MANAGER, user_roles
from workshop.selectors import user_site, user_site_ids
from workshop.views.common import roles_required

NNBSP = "\u202f"
ANY_ROLE = frozenset({"bench_worker", COACH, "shop", MANAGER})


def _flash(request, error: DomainError) -> None:
    messages.error(request, error.message)


def _flash_fields(request, error: DomainError, form: forms.Form) -> None:
    """Show the error's message and what is wrong with each field, by the field's label."""
    details = []
    for name, problems in (error.fields or {}).items():
        field = form.fields.get(name)
        if field is None or not isinstance(problems, (list, tuple)):
            continue
        label = field.label or name
        details.append(f"{label}{NNBSP}: {' '.join(str(problem) for problem in problems)}")
    messages.error(request, " ".join([error.message, *details]))


class LocationChoices(forms.ModelMultipleChoiceField):
    """Locations by their names (the tag is for the label printer)."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class StocktakeOpenForm(forms.Form):
    """Open a stocktake at one site: the site is chosen before (``?site=``), so the locations
    offered are that site's only, by name."""

    site = forms.ModelChoiceField(Site.objects.none(), widget=forms.HiddenInput)
    locations = LocationChoices(
        Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Locations (none ticked: the whole site)"),
    )
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))

    def __init__(self, *args, sites, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].initial = site.pk if site else None
        self.fields["locations"].queryset = Location.objects.filter(
            is_active=True, site=site
        ).order_by("name")


def _visible_sites(user):
    """The sites ``user`` may count (their own; every site for a network manager)."""
    site_ids = user_site_ids(user)
    sites = Site.objects.order_by("name")
    return sites if site_ids is None else sites.filter(pk__in=site_ids)


def _visible_stocktakes(user):
    site_ids = user_site_ids(user)
    stocktakes = Stocktake.objects.select_related("site")
    return stocktakes if site_ids is None else stocktakes.filter(site_id__in=site_ids)


def _chosen_site(request, sites: list):
    """The site asked for (``?site=``) among ``sites``, else the person's, else the first."""
    wanted = request.POST.get("site") or request.GET.get("site") or ""
    by_pk = {str(site.pk): site for site in sites}
    own = user_site(request.user)
    return by_pk.get(wanted) or (own and by_pk.get(str(own.pk))) or (sites[0] if sites else None)


@roles_required(MANAGER)
def stocktake_list(request):
    sites = _visible_sites(request.user)
    site = _chosen_site(request, list(sites))
    form = StocktakeOpenForm(request.POST or None, sites=sites, site=site)
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
    stocktakes = (
        _visible_stocktakes(request.user).select_related("opened_by").order_by("-opened_at")[:50]
    )
    return render(
        request,
        "inventory/audit/stocktake_list.html",
        {
            "stocktakes": stocktakes,
            "form": form,
            "site": site,
            "sites": list(sites) if len(sites) > 1 else [],
        },
    )


def _bulk_choices(lines) -> list[dict]:
    """For each finding still to resolve, how many lines and the resolutions all may take."""
    kinds: dict[str, dict] = {}
    for line in lines:
        if line.resolution != StocktakeLine.Resolution.PENDING:
            continue
        entry = kinds.setdefault(
            line.kind,
            {"kind": line.kind, "label": line.get_kind_display(), "count": 0, "allowed": None},
        )
        entry["count"] += 1
        allowed = resolutions_for(line.kind, line.device_state)
        entry["allowed"] = allowed if entry["allowed"] is None else entry["allowed"] & allowed
    order = [value for value in StocktakeLine.Resolution.values if value]
    for entry in kinds.values():
        entry["resolutions"] = [
            (value, StocktakeLine.Resolution(value).label)
            for value in order
            if value in entry["allowed"]
        ]
    return [kinds[kind] for kind in StocktakeLine.Kind.values if kind in kinds]


@roles_required(MANAGER)
def stocktake_detail(request, pk: int):
    stocktake = get_object_or_404(_visible_stocktakes(request.user), pk=pk)
    R = StocktakeLine.Resolution
    part_counts = stocktake_parts(stocktake)
    lines = list(stocktake_lines(stocktake).exclude(kind=StocktakeLine.Kind.FOUND))
    for line in lines:
        line.choices = [
            (value, StocktakeLine.Resolution(value).label)
            for value in StocktakeLine.Resolution.values
            if value in resolutions_for(line.kind, line.device_state)
        ]
    return render(
        request,
        "inventory/audit/stocktake_detail.html",
        {
            "stocktake": stocktake,
            "summary": stocktake_summary(stocktake),
            "lines": lines,
            "bulk": _bulk_choices(lines) if stocktake.is_open else [],
            "all_resolutions": [
                (value, label)
                for value, label in StocktakeLine.Resolution.choices
                if value not in (R.PENDING, R.NONE_NEEDED)
            ],
            "kinds": StocktakeLine.Kind,
            "parts": [count for count in part_counts if count.kind != "found"],
            "parts_found": sum(1 for count in part_counts if count.kind == "found"),
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
    stocktake = get_object_or_404(_visible_stocktakes(request.user), pk=pk)
    location_tag = request.POST.get("location", request.GET.get("location", ""))
    last = None
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()
        location = Location.objects.filter(tag=code.upper(), site=stocktake.site).first()
        if location is not None:
            location_tag = location.tag
            messages.info(request, _("Now scanning at %(location)s.") % {"location": location.name})
        else:
            try:
                location = _location_from(location_tag, stocktake)
                last, created = services.stocktake_record_scan(
                    stocktake=stocktake, code=code, location=location, actor=request.user
                )
                if getattr(last, "part_id", None):
                    if not created:
                        messages.warning(
                            request, _("Already counted: %(code)s.") % {"code": last.code}
                        )
                elif last.device_id is None:
                    messages.warning(
                        request,
                        _(
                            "Unknown label: %(code)s is no device of this workshop. It is kept "
                            "as an unknown label, to be looked at among the differences."
                        )
                        % {"code": last.code},
                    )
                elif not created:
                    messages.warning(request, _("Already counted: %(code)s.") % {"code": last.code})
            except DomainError as error:
                _flash(request, error)
    locations = list(Location.objects.filter(site=stocktake.site, is_active=True).order_by("name"))
    scope = set(stocktake.locations.values_list("pk", flat=True))
    if scope:
        locations = [location for location in locations if location.pk in scope]
    return render(
        request,
        "inventory/audit/stocktake_scan.html",
        {
            "stocktake": stocktake,
            "location_tag": location_tag.strip().upper(),
            "locations": locations,
            "last": last,
            "count": stocktake.scans.count(),
            "unknown": stocktake.scans.filter(device__isnull=True).count(),
        },
    )


@require_POST
@roles_required(*ANY_ROLE)
def stocktake_scan_api(request, pk: int):
    """``POST /stocktakes/{id}/scans`` with ``{"code": ..., "location": <tag>}``."""
    stocktake = get_object_or_404(_visible_stocktakes(request.user), pk=pk)
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
            "known": scan.device_id is not None or getattr(scan, "part_id", None) is not None,
            "location": scan.location.tag,
            "created": created,
        },
        status=201 if created else 200,
    )


@require_POST
@roles_required(MANAGER)
def stocktake_reconcile(request, pk: int):
    stocktake = get_object_or_404(_visible_stocktakes(request.user), pk=pk)
    try:
        services.stocktake_reconcile(stocktake=stocktake)
    except DomainError as error:
        _flash(request, error)
    return redirect("inventory:stocktake_detail", pk=pk)


@require_POST
@roles_required(MANAGER)
def stocktake_resolve(request, pk: int, line_pk: int):
    stocktake = get_object_or_404(_visible_stocktakes(request.user), pk=pk)
    line = get_object_or_404(StocktakeLine, pk=line_pk, stocktake=stocktake)
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
def stocktake_resolve_bulk(request, pk: int):
    """Resolve many lines in one submit: the ticked ones, or every pending line of a kind."""
    stocktake = get_object_or_404(_visible_stocktakes(request.user), pk=pk)
    kind = request.POST.get("kind") or None
    ids = [int(value) for value in request.POST.getlist("lines") if value.isdigit()]
    try:
        resolved = services.stocktake_resolve_lines(
            stocktake=stocktake,
            resolution=request.POST.get("resolution", ""),
            reason=request.POST.get("reason", ""),
            kind=kind,
            line_ids=None if kind else ids,
            actor=request.user,
        )
    except DomainError as error:
        _flash(request, error)
    else:
        messages.success(
            request,
            ngettext("%(count)s line resolved.", "%(count)s lines resolved.", len(resolved))
            % {"count": len(resolved)},
        )
    return redirect("inventory:stocktake_detail", pk=pk)


@require_POST
@roles_required(MANAGER)
def stocktake_close(request, pk: int):
    stocktake = get_object_or_404(_visible_stocktakes(request.user), pk=pk)
    try:
        services.stocktake_close(stocktake=stocktake, actor=request.user)
    except DomainError as error:
        _flash(request, error)
    else:
        messages.success(request, _("Stocktake closed: every resolution was applied."))
    return redirect("inventory:stocktake_detail", pk=pk)


@roles_required(MANAGER)
def stocktake_report_pdf(request, pk: int):
    stocktake = get_object_or_404(_visible_stocktakes(request.user), pk=pk)
    response = HttpResponse(stocktake_pdf(stocktake), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="stocktake-{pk}.pdf"'
    return response


@roles_required(MANAGER)
def stocktake_report_csv(request, pk: int):
    stocktake = get_object_or_404(_visible_stocktakes(request.user), pk=pk)
    response = HttpResponse(stocktake_csv(stocktake), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stocktake-{pk}.csv"'
    return response


class ShipmentOpenForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.all(), label=gettext_lazy("Site"))
    recycler = forms.CharField(max_length=160, label=gettext_lazy("Recycler"))


class ShipmentRegisterForm(forms.Form):
    """What the waste register says of a shipment (``shipment_set_register``)."""

    waste_code = forms.ModelChoiceField(
        WasteCode.objects.filter(is_active=True), required=False, label=gettext_lazy("Waste code")
    )
    carrier = forms.ModelChoiceField(
        Carrier.objects.all(), required=False, label=gettext_lazy("Carrier")
    )
    facility = forms.ModelChoiceField(
        ReceivingFacility.objects.all(), required=False, label=gettext_lazy("Receiving facility")
    )
    treatment_code = forms.CharField(
        max_length=4, required=False, label=gettext_lazy("Treatment code (e.g. R4)")
    )
    eco_organisation = forms.CharField(
        max_length=160, required=False, label=gettext_lazy("Eco-organisation")
    )
    eco_organisation_siren = forms.CharField(
        max_length=20, required=False, label=gettext_lazy("Eco-organisation SIREN")
    )
    tracking_slip = forms.CharField(
        max_length=40, required=False, label=gettext_lazy("Waste tracking slip number")
    )
    treatment_mode = forms.ChoiceField(
        choices=[("", "—"), *TreatmentMode.choices],
        required=False,
        label=gettext_lazy("Final treatment"),
    )
    contains_pop = forms.BooleanField(
        required=False, label=gettext_lazy("Contains persistent organic pollutants (POP)")
    )
    basel_code = forms.CharField(
        max_length=5, required=False, label=gettext_lazy("Basel Convention code (e.g. A1180)")
    )
    transfer_notification = forms.CharField(
        max_length=40,
        required=False,
        label=gettext_lazy("Transboundary shipment number (regulation 1013/2006)"),
    )
    dispatcher_siret = forms.CharField(
        max_length=20, required=False, label=gettext_lazy("SIRET of the dispatching site")
    )
    broker_name = forms.CharField(
        max_length=160, required=False, label=gettext_lazy("Broker or trader")
    )
    broker_siret = forms.CharField(
        max_length=20, required=False, label=gettext_lazy("Broker or trader SIRET")
    )
    broker_receipt = forms.CharField(
        max_length=60, required=False, label=gettext_lazy("Broker or trader receipt number")
    )

    def clean_treatment_code(self) -> str:
        value = self.cleaned_data["treatment_code"].strip().upper()
        validate_treatment_code(value)
        return value

    def clean_basel_code(self) -> str:
        value = self.cleaned_data["basel_code"].strip().upper()
        validate_basel_code(value)
        return value


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
        request,
        "inventory/audit/shipment_list.html",
        {
            "shipments": shipments,
            "form": form,
            "may_register": role_allows(user_roles(request.user), "compliance", "read"),
        },
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
            elif action == "register":
                register = ShipmentRegisterForm(request.POST)
                try:
                    if not register.is_valid():
                        raise DomainError(
                            "invalid",
                            _("Some fields are not valid: correct them and try again."),
                            fields={k: list(v) for k, v in register.errors.items()},
                        )
                    services.shipment_set_register(
                        shipment=shipment, actor=request.user, **register.cleaned_data
                    )
                except DomainError as error:
                    _flash_fields(request, error, register)
                else:
                    messages.success(request, _("Waste register details saved."))
            elif action == "certificate":
                services.shipment_record_certificate(
                    shipment=shipment, certificate_ref=request.POST.get("certificate_ref", "")
                )
        except DomainError as error:
            _flash(request, error)
        return redirect("inventory:shipment_detail", pk=pk)
    lines = shipment.lines.select_related("device", "device__category")
    initial = {field: getattr(shipment, field) for field in services.recycling.REGISTER_FIELDS}
    if not shipment.dispatcher_siret:
        # The site's SIRET does not change from one shipment to the next: offer the last one.
        initial["dispatcher_siret"] = (
            RecyclingShipment.objects.filter(site_id=shipment.site_id)
            .exclude(dispatcher_siret="")
            .order_by("-id")
            .values_list("dispatcher_siret", flat=True)
            .first()
            or ""
        )
    register = ShipmentRegisterForm(initial=initial)
    may_register = role_allows(user_roles(request.user), "compliance", "read") and site_allowed(
        shipment.site_id, actor=request.user
    )
    return render(
        request,
        "inventory/audit/shipment_detail.html",
        {
            "shipment": shipment,
            "lines": lines,
            "register": register if may_register else None,
        },
    )


@roles_required(COACH, MANAGER)
def shipment_slip(request, pk: int):
    shipment = get_object_or_404(RecyclingShipment.objects.select_related("site"), pk=pk)
    response = HttpResponse(shipment_slip_pdf(shipment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="shipment-{pk}.pdf"'
    return response
