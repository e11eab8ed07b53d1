"""Screens of the shop: the public device page, the counter, invoice and credit-note PDFs.

Thin views: they read through ``inventory.selectors`` and write through the services; a
refused action shows the ``DomainError`` message. The counter works without JavaScript: the
scan field has autofocus, Enter submits it, the basket lives in the session.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory import services
from inventory.invoices import credit_note_pdf, invoice_pdf
from inventory.models import Buyer, CreditNote, PaymentMethod
from inventory.scan import scan_resolve
from inventory.selectors import (
    basket_lines,
    buyer_tier,
    buyers_search,
    device_public,
    sale_for_document,
    site_legal,
)
from refurb.transitions import SELLERS
from workshop.exceptions import DomainError
from workshop.models import Workstation, WorkstationKind
from workshop.roles import user_roles

BASKET = "shop_basket"
BUYER = "shop_buyer"
STATION = "shop_workstation"


def base_template() -> str:
    """Extend the project's ``base.html`` once it exists, else our standalone layout."""
    try:
        get_template("base.html")
    except TemplateDoesNotExist:
        return "shop/standalone.html"
    return "base.html"


def seller_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_roles(request.user) & SELLERS:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def public_device(request, tag: str):
    """Show a device to anyone who scans its shop label: no names, no donor, no person."""
    page = device_public(tag.upper())
    if page is None:
        raise Http404
    return render(
        request,
        "shop/public_device.html",
        {"base_template": base_template(), "page": page, "device": page.device},
    )


def _workstation(request) -> Workstation | None:
    stations = Workstation.objects.filter(kind=WorkstationKind.SHOP, is_active=True)
    chosen = request.session.get(STATION)
    if chosen:
        return stations.select_related("site").filter(pk=chosen).first()
    only = list(stations.select_related("site")[:2])
    return only[0] if len(only) == 1 else None


@seller_required
def counter(request):
    station = _workstation(request)
    if station is None:
        stations = Workstation.objects.filter(
            kind=WorkstationKind.SHOP, is_active=True
        ).select_related("site")
        return render(
            request,
            "shop/counter_station.html",
            {"base_template": base_template(), "stations": stations},
        )
    buyer = Buyer.objects.filter(pk=request.session.get(BUYER)).first()
    tier, tier_note, error = Buyer.Tier.STANDARD, "", ""
    try:
        legal = site_legal(station.site)
        if buyer:
            found = buyer_tier(buyer, legal)
            tier, tier_note = found.tier, found.reason
    except DomainError as refused:
        error = refused.message
    basket = basket_lines(request.session.get(BASKET, []), tier=tier, site=station.site)
    query = request.GET.get("q", "")
    return render(
        request,
        "shop/counter.html",
        {
            "base_template": base_template(),
            "station": station,
            "basket": basket,
            "buyer": buyer,
            "tier_note": tier_note,
            "error": error,
            "query": query,
            "found": buyers_search(query) if query else [],
            "kinds": Buyer.Kind.choices,
            "proofs": Buyer.Proof.choices,
            "payment_methods": PaymentMethod.choices,
        },
    )


@require_POST
@seller_required
def counter_station(request):
    station = get_object_or_404(
        Workstation, pk=request.POST.get("workstation"), kind=WorkstationKind.SHOP
    )
    request.session[STATION] = station.pk
    return redirect("shop:counter")


@require_POST
@seller_required
def counter_scan(request):
    try:
        result = scan_resolve(request.POST.get("code", ""))
        if result.kind == "device":
            code = result.obj.asset_tag
        elif result.kind == "kit":
            code = result.obj.tag
        else:
            raise DomainError(
                "not_sellable",
                _("Scan a device or a kit to sell it (this is a %(kind)s).")
                % {"kind": result.kind},
            )
        basket = request.session.get(BASKET, [])
        if code not in basket:
            basket.append(code)
        request.session[BASKET] = basket
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("shop:counter")


@require_POST
@seller_required
def counter_remove(request):
    request.session[BASKET] = [
        code for code in request.session.get(BASKET, []) if code != request.POST.get("code")
    ]
    return redirect("shop:counter")


@require_POST
@seller_required
def counter_buyer(request):
    buyer = get_object_or_404(Buyer, pk=request.POST.get("buyer"))
    request.session[BUYER] = buyer.pk
    return redirect("shop:counter")


@require_POST
@seller_required
def counter_buyer_new(request):
    station = _workstation(request)
    data = request.POST
    try:
        buyer = services.buyer_create(
            kind=data.get("kind", ""),
            name=data.get("name", ""),
            rna=data.get("rna", ""),
            siren=data.get("siren", ""),
            siret=data.get("siret", ""),
            proof_kind=data.get("proof_kind", ""),
            address=data.get("address", ""),
            actor=request.user,
            site=station.site if station else None,
        )
    except DomainError as error:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
        messages.error(request, f"{error.message} {details}".strip())
        return redirect("shop:counter")
    request.session[BUYER] = buyer.pk
    return redirect("shop:counter")


@require_POST
@seller_required
def counter_complete(request):
    station = _workstation(request)
    buyer = Buyer.objects.filter(pk=request.session.get(BUYER)).first()
    if station is None or buyer is None:
        messages.error(request, _("Choose the buyer before taking payment."))
        return redirect("shop:counter")
    try:
        sale = services.sale_complete(
            site=station.site,
            buyer=buyer,
            items=request.session.get(BASKET, []),
            payment_method=request.POST.get("payment_method", ""),
            actor=request.user,
            workstation=station,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("shop:counter")
    request.session[BASKET] = []
    request.session.pop(BUYER, None)
    return redirect("shop:sale", pk=sale.pk)


@seller_required
def sale_detail(request, pk: int):
    sale = sale_for_document(pk)
    return render(request, "shop/sale.html", {"base_template": base_template(), "sale": sale})


@seller_required
def sale_invoice(request, pk: int):
    sale = sale_for_document(pk)
    response = HttpResponse(invoice_pdf(sale), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{sale.number}.pdf"'
    return response


@seller_required
def credit_note_document(request, pk: int):
    note = get_object_or_404(CreditNote.objects.select_related("sale"), pk=pk)
    response = HttpResponse(credit_note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
    return response
