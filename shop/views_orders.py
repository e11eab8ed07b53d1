"""Shop staff's screens for online orders and association applications.

The order screen is a bench like the counter: one scan field, focused on arrival and after
every action. Scanning an order number opens it; scanning a device or kit label opens its open
order and, on the order page, puts it into the order (``order_pick``). The picking list is the
order page itself (each device's location), and the delivery note is a PDF.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refurb.transitions import SELLERS
from shop import services
from shop.delivery_note import delivery_note_pdf
from shop.models import BuyerAccount, Order, PaymentMethod
from shop.selectors_orders import accounts_visible_to, order_board, orders_visible_to
from shop.views import _workstation
from workshop import tags
from workshop.views.common import bench_view, done, render_bench

seller_view = bench_view(roles=SELLERS, workstation=False)


@seller_view
def order_list(request):
    board = order_board(request.user, request.GET.get("site", ""))
    waiting = accounts_visible_to(request.user).filter(status__in=BuyerAccount.REVIEWABLE).count()
    return render_bench(
        request,
        "shop/orders/list.html",
        {"board": board, "waiting_accounts": waiting, "hide_scan": True},
    )


def _open_order_for(user, code: str) -> Order | None:
    visible = orders_visible_to(user)
    order = visible.filter(number__iexact=(code or "").strip()).first()
    code = tags.normalize(code or "")
    if order is None:
        order = (
            visible.filter(status__in=Order.TO_PREPARE)
            .filter(lines__device__asset_tag=code)
            .first()
            or visible.filter(status__in=Order.TO_PREPARE).filter(lines__kit__tag=code).first()
        )
    return order


@require_POST
@seller_view
def order_scan(request):
    code = (request.POST.get("code") or "").strip()
    order = _open_order_for(request.user, code)
    if order is None:
        messages.error(
            request,
            _("“%(code)s” is neither an order number nor a device of an order to prepare.")
            % {"code": code[:40]},
            extra_tags="scan_unknown",
        )
        return done(request, reverse("shop:orders"))
    return done(request, reverse("shop:order", args=[order.pk]))


def _order(request, pk) -> Order:
    order = (
        orders_visible_to(request.user)
        .filter(pk=pk)
        .select_related("site", "account", "buyer", "sale")
        .first()
    )
    if order is None:
        raise Http404
    return order


@seller_view
def order_detail(request, pk: int):
    order = _order(request, pk)
    lines = list(
        order.lines.select_related("device__category", "device__grade", "device__location", "kit")
    )
    return render_bench(
        request,
        "shop/orders/detail.html",
        {
            "order": order,
            "lines": lines,
            "events": list(order.events.select_related("actor")),
            "payments": [
                (v, label) for v, label in PaymentMethod.choices if v != PaymentMethod.FREE
            ],
            "hide_scan": True,
        },
    )


@require_POST
@seller_view
def order_pick(request, pk: int):
    order = _order(request, pk)
    code = (request.POST.get("code") or "").strip()
    order = services.order_pick(order=order, code=code, actor=request.user)
    if order.status == Order.Status.READY:
        messages.success(
            request,
            _("Every item is in order %(number)s: it is ready, the buyer gets an e-mail.")
            % {"number": order.number},
        )
    else:
        messages.success(request, _("%(code)s is in the order.") % {"code": tags.normalize(code)})
    return done(request, reverse("shop:order", args=[order.pk]))


@require_POST
@seller_view
def order_confirm(request, pk: int):
    order = services.order_confirm(order=_order(request, pk), actor=request.user)
    messages.success(request, _("Order %(number)s is confirmed.") % {"number": order.number})
    return done(request, reverse("shop:order", args=[order.pk]))


def _shop_station(request):
    station = _workstation(request)
    if station is None:
        messages.info(request, _("Choose the shop counter this screen stands at."))
    return station


@require_POST
@seller_view
def order_hand_over(request, pk: int):
    order = _order(request, pk)
    station = _shop_station(request)
    if station is None:
        return done(
            request, f"{reverse('bench:workstation')}?next={reverse('shop:order', args=[pk])}"
        )
    order = services.order_hand_over(
        order=order,
        actor=request.user,
        workstation=station,
        payment_method=request.POST.get("payment_method") or PaymentMethod.TRANSFER,
    )
    messages.success(
        request,
        _("Order %(number)s is handed over: invoice %(invoice)s is e-mailed to the buyer.")
        % {"number": order.number, "invoice": order.sale.number},
    )
    return done(request, reverse("shop:order", args=[order.pk]))


@require_POST
@seller_view
def order_ship(request, pk: int):
    order = _order(request, pk)
    station = _shop_station(request)
    if station is None:
        return done(
            request, f"{reverse('bench:workstation')}?next={reverse('shop:order', args=[pk])}"
        )
    order = services.order_ship(
        order=order,
        actor=request.user,
        workstation=station,
        carrier=request.POST.get("carrier", "")[:80],
        tracking_number=request.POST.get("tracking_number", "")[:80],
        payment_method=request.POST.get("payment_method") or PaymentMethod.TRANSFER,
    )
    messages.success(
        request,
        _("Order %(number)s is shipped: invoice %(invoice)s is e-mailed to the buyer.")
        % {"number": order.number, "invoice": order.sale.number},
    )
    return done(request, reverse("shop:order", args=[order.pk]))


@require_POST
@seller_view
def order_cancel(request, pk: int):
    order = services.order_cancel(
        order=_order(request, pk), actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(
        request,
        _("Order %(number)s is cancelled: its devices are back on sale.")
        % {"number": order.number},
    )
    return done(request, reverse("shop:order", args=[order.pk]))


@seller_view
def order_delivery_note(request, pk: int):
    order = _order(request, pk)
    response = HttpResponse(delivery_note_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bon-de-livraison-{order.number}.pdf"'
    return response


@seller_view
def account_list(request):
    accounts = list(
        accounts_visible_to(request.user)
        .select_related("site")
        .order_by("status", "created_at")[:200]
    )
    waiting = [a for a in accounts if a.status in BuyerAccount.REVIEWABLE]
    others = [a for a in accounts if a.status not in BuyerAccount.REVIEWABLE]
    return render_bench(
        request,
        "shop/orders/accounts.html",
        {"waiting": waiting, "others": others, "hide_scan": True},
    )


@seller_view
def account_detail(request, pk: int):
    account = get_object_or_404(
        accounts_visible_to(request.user).select_related("site", "buyer", "decided_by"), pk=pk
    )
    if request.method == "POST":
        services.account_review(
            account=account,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", "")[:2000],
            actor=request.user,
        )
        messages.success(
            request, _("Decision recorded: %(name)s gets an e-mail.") % {"name": account.legal_name}
        )
        return done(request, reverse("shop:review_account", args=[account.pk]))
    return render_bench(
        request,
        "shop/orders/account.html",
        {
            "account": account,
            "reviewable": account.status in BuyerAccount.REVIEWABLE,
            "hide_scan": True,
        },
    )
