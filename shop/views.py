"""Screens of the shop: the public device page, the counter, sales, returns, PDFs.

The counter is the bench of the ``shop`` workstation kind: it renders inside the shared bench
layout (``render_bench``), answers htmx with partials and plain browsers with Post/Redirect/Get,
so every form works without JavaScript; the scan field has autofocus and Enter submits it; the
basket lives in the session. Thin views: they read through ``inventory.selectors`` and write
through the services; a refused action shows the ``DomainError`` message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inventory.scan import scan_resolve
from refurb.selectors import installed_systems
from refurb.transitions import SELLERS
from shop import services
from shop.invoices import credit_note_pdf, invoice_pdf
from shop.models import Buyer, CreditNote, PaymentMethod, Sale
from shop.selectors import (
    basket_lines,
    buyer_tier,
    buyers_search,
    buyers_visible_to,
    device_public,
    sale_for_document,
    sales_visible_to,
    site_legal,
)
from workshop import typography
from workshop.exceptions import DomainError
from workshop.forms import DecimalCommaField, form_errors
from workshop.models import Workstation, WorkstationKind
from workshop.selectors import sees_every_site, user_site
from workshop.views.common import bench_view, current_workstation, done, render_bench, show_error

BASKET = "shop_basket"
BUYER = "shop_buyer"
COUNTER = "shop:counter"

seller_view = bench_view(roles=SELLERS, workstation=False)


def public_device(request, tag: str):
    """Show a device to anyone who scans its shop label: no names, no donor, no person."""
    page = device_public(tag.upper())
    if page is None:
        raise Http404
    system = installed_systems([page.device.pk]).get(page.device.pk) if page.available else None
    return render(
        request,
        "shop/public_device.html",
        {"page": page, "device": page.device, "system": system},
    )


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _stations(request):
    """The active shop workstations of the user's site (every site for a manager)."""
    stations = Workstation.objects.filter(kind=WorkstationKind.SHOP, is_active=True)
    if not sees_every_site(request.user):
        stations = stations.filter(site=user_site(request.user))
    return stations


def _buyer(request, pk) -> Buyer | None:
    """The buyer ``pk`` if the user may see it; another site's buyer is None, like a missing one."""
    pk = _pk(pk)
    return buyers_visible_to(request.user).filter(pk=pk).first() if pk else None


def _workstation(request) -> Workstation | None:
    """This browser's shop counter, else the only shop counter, of the user's site."""
    chosen = current_workstation(request)
    if chosen is not None and chosen.kind == WorkstationKind.SHOP:
        return _stations(request).select_related("site").filter(pk=chosen.pk).first()
    only = list(_stations(request).select_related("site")[:2])
    return only[0] if len(only) == 1 else None


@seller_view
def counter(request):
    station = _workstation(request)
    if station is None:
        messages.info(request, _("Choose the shop counter this screen stands at."))
        return done(request, f"{reverse('bench:workstation')}?next={reverse(COUNTER)}")
    buyer = _buyer(request, request.session.get(BUYER))
    tier, tier_note, error = Buyer.Tier.STANDARD, "", ""
    try:
        legal = site_legal(station.site)
        if buyer:
            found = buyer_tier(buyer, legal)
            tier, tier_note = found.tier, found.reason
    except DomainError as refused:
        error = refused.message
    basket = basket_lines(
        request.session.get(BASKET, []), tier=tier, site=station.site, buyer=buyer
    )
    query = request.GET.get("q", "")
    return render_bench(
        request,
        "shop/counter.html",
        {
            "station": station,
            "basket": basket,
            "tier_label": Buyer.Tier(basket.tier).label,
            "buyer": buyer,
            "tier_note": tier_note,
            "error": error,
            "query": query,
            "found": buyers_search(query, user=request.user) if query else [],
            "kinds": Buyer.Kind.choices,
            "proofs": Buyer.Proof.choices,
            "payment_methods": PaymentMethod.choices,
        },
    )


def _counter(request):
    return done(request, reverse(COUNTER))


@require_POST
@seller_view
def counter_scan(request):
    """Add a scanned device or kit to the basket; an invoice or credit note opens its sale."""
    try:
        result = scan_resolve(request.POST.get("code", ""))
        if result.kind == "device":
            code = result.obj.asset_tag
        elif result.kind in ("kit", "part"):
            code = result.obj.tag
        elif result.kind in ("invoice", "credit_note"):
            sale = result.obj if result.kind == "invoice" else result.obj.sale
            return done(request, reverse("shop:sale", args=[sale.pk]))
        else:
            raise DomainError(
                "not_sellable",
                _("Scan a device, a kit or a part to sell it (this is a %(kind)s).")
                % {"kind": result.kind},
            )
        basket = request.session.get(BASKET, [])
        if code not in basket:
            basket.append(code)
        request.session[BASKET] = basket
    except DomainError as error:
        show_error(request, error)
    return _counter(request)


@require_POST
@seller_view
def counter_remove(request):
    request.session[BASKET] = [
        code for code in request.session.get(BASKET, []) if code != request.POST.get("code")
    ]
    return _counter(request)


@require_POST
@seller_view
def counter_buyer(request):
    buyer = _buyer(request, request.POST.get("buyer"))
    if buyer is None:
        raise Http404
    request.session[BUYER] = buyer.pk
    return _counter(request)


@require_POST
@seller_view
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
        messages.error(request, f"{error.message} {details}".strip(), extra_tags=error.code)
        return _counter(request)
    request.session[BUYER] = buyer.pk
    return _counter(request)


@require_POST
@seller_view
def counter_complete(request):
    station = _workstation(request)
    buyer = _buyer(request, request.session.get(BUYER))
    if station is None or buyer is None:
        messages.error(request, _("Choose the buyer before taking payment."), extra_tags="buyer")
        return _counter(request)
    cash = CashForm(request.POST)
    if not cash.is_valid():
        messages.error(request, form_errors(cash), extra_tags="cash_given")
        return _counter(request)
    try:
        sale = services.sale_complete(
            site=station.site,
            buyer=buyer,
            items=request.session.get(BASKET, []),
            payment_method=request.POST.get("payment_method", ""),
            actor=request.user,
            workstation=station,
            cash_given=cash.cleaned_data["cash_given"],
        )
    except DomainError as error:
        show_error(request, error)
        return _counter(request)
    request.session[BASKET] = []
    request.session.pop(BUYER, None)
    if sale.change_due is not None:
        messages.success(
            request,
            _("Change to give back: %(change)s.") % {"change": typography.money(sale.change_due)},
            extra_tags="change_due",
        )
    return done(request, reverse("shop:sale", args=[sale.pk]))


class CashForm(forms.Form):
    cash_given = DecimalCommaField(
        label=gettext_lazy("Cash received"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )


def _sale(request, pk: int) -> Sale:
    """The sale ``pk`` if the user may see it; another site's sale is a 404, like a missing one."""
    try:
        sale = sale_for_document(pk, user=request.user)
    except Sale.DoesNotExist as missing:
        raise Http404 from missing
    prefetch_related_objects([sale], "credit_notes")
    return sale


@seller_view
def sale_detail(request, pk: int):
    sale = _sale(request, pk)
    lines = list(sale.lines.all())
    part_lines = list(sale.part_lines.all())
    return render_bench(
        request,
        "shop/sale.html",
        {
            "sale": sale,
            "lines": lines,
            "part_lines": part_lines,
            "returnable": [line for line in [*lines, *part_lines] if not line.returned],
            "in_warranty": timezone.localdate() <= sale.warranty_until,
        },
    )


@seller_view
def sale_return(request, pk: int):
    """Take devices and parts of a sale back: pick the lines, say why, get the credit note."""
    sale = _sale(request, pk)
    lines = list(sale.lines.all())
    prefetch_related_objects(lines, "device")
    part_lines = list(sale.part_lines.select_related("part"))
    chosen: list[str] = []
    chosen_parts: list[str] = []
    reason = ""
    if request.method == "POST":
        chosen = request.POST.getlist("line")
        chosen_parts = request.POST.getlist("part_line")
        reason = request.POST.get("reason", "")
        picked = [line for line in lines if str(line.pk) in chosen and not line.returned]
        picked_parts = [
            line for line in part_lines if str(line.pk) in chosen_parts and not line.returned
        ]
        if not picked and not picked_parts:
            messages.error(
                request, _("Tick the devices or parts to take back."), extra_tags="no_device"
            )
        else:
            try:
                note = services.sale_return(
                    sale=sale,
                    devices=[line.device for line in picked],
                    parts=[line.part for line in picked_parts],
                    reason=reason,
                    actor=request.user,
                    workstation=_workstation(request),
                )
            except DomainError as error:
                show_error(request, error)
            else:
                messages.success(
                    request,
                    _("Credit note %(number)s: %(total)s to refund.")
                    % {"number": note.number, "total": typography.money(note.total)},
                    extra_tags="credit_note",
                )
                return done(request, reverse("shop:sale", args=[sale.pk]) + "#credit-notes")
    return render_bench(
        request,
        "shop/sale_return.html",
        {
            "sale": sale,
            "lines": lines,
            "part_lines": part_lines,
            "chosen": chosen,
            "chosen_parts": chosen_parts,
            "reason": reason,
            "in_warranty": timezone.localdate() <= sale.warranty_until,
        },
    )


@seller_view
def sale_invoice(request, pk: int):
    sale = _sale(request, pk)
    response = HttpResponse(invoice_pdf(sale), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{sale.number}.pdf"'
    return response


@seller_view
def credit_note_document(request, pk: int):
    note = get_object_or_404(
        CreditNote.objects.select_related("sale").filter(sale__in=sales_visible_to(request.user)),
        pk=pk,
    )
    response = HttpResponse(credit_note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
    return response
