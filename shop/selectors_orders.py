"""Reads of accounts and orders shared by the account holder's and the shop staff's screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone

from refurb.models import Device
from refurb.states import State
from shop.models import BuyerAccount, Kit, Order
from workshop.models import Site
from workshop.selectors import sees_every_site, user_site


@dataclass
class Offer:
    """A catalogue offer: what ``shop:basket_add`` takes (``category``, ``make``, ``model``,
    ``grade``, ``site``; or ``kit``) and what the list shows."""

    site: str
    category: str = ""
    make: str = ""
    model: str = ""
    grade: str = ""
    kit: str = ""
    label: str = ""
    grade_name: str = ""
    count: int = 0
    solidarity_price: object = None


def account_offers(account: BuyerAccount) -> list[Offer]:
    """What is on sale at the account's shop, grouped by model and grade, and its kits (two
    queries whatever the stock)."""
    site_code = account.site.code
    rows = (
        Device.objects.filter(site_id=account.site_id, state=State.ON_SALE, price__isnull=False)
        .exclude(kit_items__active=True)
        .values("category__code", "category__name", "make", "model", "grade__code", "grade__name")
        .annotate(count=Count("pk"), low=Min("price__solidarity_price"))
        .order_by("category__name", "make", "model", "grade__code")
    )
    offers = [
        Offer(
            site=site_code,
            category=row["category__code"],
            make=row["make"],
            model=row["model"],
            grade=row["grade__code"] or "",
            label=" ".join(p for p in (row["make"], row["model"]) if p) or row["category__name"],
            grade_name=row["grade__name"] or "",
            count=row["count"],
            solidarity_price=row["low"],
        )
        for row in rows
    ]
    kits = (
        Kit.objects.filter(site_id=account.site_id, status=Kit.Status.ASSEMBLED)
        .annotate(
            held=Count(
                "items", filter=Q(items__active=True) & ~Q(items__device__state=State.ON_SALE)
            )
        )
        .filter(held=0)
        .order_by("tag")
    )
    offers += [
        Offer(
            site=site_code,
            kit=kit.tag,
            label=kit.name,
            count=1,
            solidarity_price=kit.solidarity_price,
        )
        for kit in kits
    ]
    return offers


@dataclass
class Basket:
    order: Order | None
    lines: list
    expires_at: datetime | None

    @property
    def seconds_left(self) -> int:
        if self.expires_at is None:
            return 0
        return max(0, int((self.expires_at - timezone.now()).total_seconds()))


def basket_of(account: BuyerAccount) -> Basket:
    order = Order.objects.filter(account=account, status=Order.Status.BASKET).first()
    if order is None:
        return Basket(None, [], None)
    lines = list(
        order.lines.select_related(
            "device__category", "device__grade", "device__price", "kit", "reservation"
        )
    )
    expires = min((line.reservation.expires_at for line in lines), default=None)
    return Basket(order, lines, expires)


def accounts_visible_to(user):
    """Association accounts ``user`` may review: every site for a manager of every site,
    else their own site's."""
    if sees_every_site(user):
        return BuyerAccount.objects.all()
    site = user_site(user)
    return BuyerAccount.objects.filter(site=site) if site else BuyerAccount.objects.none()


def orders_visible_to(user):
    if sees_every_site(user):
        return Order.objects.exclude(status=Order.Status.BASKET)
    site = user_site(user)
    if not site:
        return Order.objects.none()
    return Order.objects.filter(site=site).exclude(status=Order.Status.BASKET)


@dataclass
class OrderBoard:
    """The staff's order screen of one site: to prepare (placed or confirmed, oldest first),
    ready (waiting to be handed over or shipped), and shipped or handed over today. ``site`` is
    None for a network manager who has not picked one yet: ``sites`` then lists every site
    with its open orders' count."""

    site: object
    to_prepare: list = field(default_factory=list)
    ready: list = field(default_factory=list)
    done_today: list = field(default_factory=list)
    sites: list = field(default_factory=list)
    can_pick: bool = False

    @property
    def empty(self) -> bool:
        return not (self.to_prepare or self.ready or self.done_today)


def order_board(user, site_code: str = "", *, now: datetime | None = None) -> OrderBoard:
    """The order screen's rows in a constant number of queries: staff see their own site (the
    code asked for is ignored); a network manager picks a site by its code."""
    now = now or timezone.now()
    network = sees_every_site(user)
    board = OrderBoard(site=None if network else user_site(user), can_pick=network)
    if network:
        counts = dict(
            Order.objects.filter(status__in=Order.TO_PREPARE)
            .values("site_id")
            .annotate(n=Count("pk"))
            .values_list("site_id", "n")
        )
        board.sites = [
            (candidate, counts.get(candidate.pk, 0)) for candidate in Site.objects.order_by("name")
        ]
        code = (site_code or "").strip().upper()[:8]
        board.site = next((s for s, _n in board.sites if code and s.code == code), None)
    site = board.site
    if site is None:
        return board
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (
        Order.objects.filter(site=site)
        .filter(
            Q(status__in=Order.TO_PREPARE)
            | Q(status__in=(Order.Status.SHIPPED, Order.Status.HANDED_OVER), closed_at__gte=start)
        )
        .select_related("account")
        .annotate(
            line_count=Count("lines"),
            picked_count=Count("lines", filter=Q(lines__picked_at__isnull=False)),
        )
        .order_by("placed_at", "pk")
    )
    for order in rows:
        order.placed_before_today = bool(order.placed_at and order.placed_at < start)
        if order.status == Order.Status.READY:
            board.ready.append(order)
        elif order.status in (Order.Status.PLACED, Order.Status.CONFIRMED):
            board.to_prepare.append(order)
        else:
            board.done_today.append(order)
    board.done_today.sort(key=lambda order: (order.closed_at, order.pk), reverse=True)
    return board


def orders_to_prepare(user):
    """The placed orders not handed over yet, per site, oldest first, with their counts."""
    return (
        orders_visible_to(user)
        .filter(status__in=Order.TO_PREPARE)
        .select_related("site", "account")
        .annotate(
            line_count=Count("lines"),
            picked_count=Count("lines", filter=Q(lines__picked_at__isnull=False)),
        )
        .order_by("site__code", "placed_at", "pk")
    )
