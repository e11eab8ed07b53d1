"""The shop staff's order screen: their own site by default (a network manager picks one),
split into to prepare, ready, and handed over or shipped today; constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shop import services
from shop.models import Order
from tests import factories
from tests.shop.orders_support import approved_account, offer_of
from workshop.models import WorkstationKind

pytestmark = pytest.mark.django_db

# Session, user, worker profile (site), roles, the board's orders, applications waiting; a
# network manager: + the sites and their open orders' count, + the site asked for.
QUERIES = {"staff": 6, "network": 8, "network_unpicked": 7}


@pytest.fixture
def account(site, shop_staff, legal):
    return approved_account(site, shop_staff)


def make_orders(account, on_sale, shop_staff, station, n: int) -> dict[str, list[Order]]:
    """n orders in each column, plus one handed over yesterday and one cancelled."""
    made: dict[str, list[Order]] = {"to_prepare": [], "ready": [], "done": [], "hidden": []}
    shop = station(WorkstationKind.SHOP)
    for column in ["to_prepare", "ready", "done"] * n + ["hidden", "hidden"]:
        laptop = on_sale(make="Lenovo", model="T480")
        services.basket_add(account=account, **offer_of(laptop))
        order = services.order_place(account=account, fulfilment="pickup")
        if column in ("ready", "done", "hidden"):
            order = services.order_pick(order=order, code=laptop.asset_tag, actor=shop_staff)
        if column == "done" or (column == "hidden" and not made["hidden"]):
            order = services.order_hand_over(order=order, actor=shop_staff, workstation=shop)
        if column == "hidden" and made["hidden"]:
            order = services.order_cancel(order=order, actor=shop_staff)
        made[column].append(order)
    Order.objects.filter(pk=made["hidden"][0].pk).update(
        closed_at=timezone.now() - timedelta(days=1)
    )
    return made


def columns(html: str, key: str) -> str:
    start = html.index(f'data-section="{key}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("n", [1, 3])
def test_staff_see_their_site_split_in_three_with_constant_queries(
    client, account, on_sale, shop_staff, station, n, django_assert_num_queries
):
    made = make_orders(account, on_sale, shop_staff, station, n)
    client.force_login(shop_staff)
    url = reverse("shop:orders")
    client.get(url)  # the session is warm
    with django_assert_num_queries(QUERIES["staff"]):
        response = client.get(url)
    html = response.content.decode()
    assert 'data-site="LY"' in html and 'id="site-pick"' not in html
    for key in ("to_prepare", "ready", "done"):
        section = columns(html, key)
        assert f'data-count="{n}"' in section
        for order in made[key]:
            assert f'data-order="{order.number}"' in section
    for order in made["hidden"]:
        assert order.number not in html


def test_staff_cannot_look_at_another_site(client, account, on_sale, shop_staff, station):
    other = factories.SiteFactory(code="GR", name="Atelier de Grenoble")
    made = make_orders(account, on_sale, shop_staff, station, 1)
    moved = made["to_prepare"][0]
    Order.objects.filter(pk=moved.pk).update(site=other)
    client.force_login(shop_staff)
    html = client.get(reverse("shop:orders"), {"site": "GR"}).content.decode()
    assert 'data-site="LY"' in html and 'data-site="GR"' not in html
    assert moved.number not in html
    assert made["ready"][0].number in html


def test_a_network_manager_picks_a_site(
    client, account, on_sale, shop_staff, station, manager, django_assert_num_queries
):
    other = factories.SiteFactory(code="GR", name="Atelier de Grenoble")
    made = make_orders(account, on_sale, shop_staff, station, 1)
    client.force_login(manager)
    url = reverse("shop:orders")
    client.get(url)
    with django_assert_num_queries(QUERIES["network_unpicked"]):
        html = client.get(url).content.decode()
    assert 'id="pick-a-site"' in html and 'data-order="' not in html
    # Each site offered with its open orders: two at Lyon (to prepare, ready), none at Grenoble.
    assert 'value="LY" data-open="2"' in html and 'value="GR" data-open="0"' in html
    with django_assert_num_queries(QUERIES["network"]):
        html = client.get(url, {"site": "ly"}).content.decode()
    assert 'data-site="LY"' in html
    assert made["to_prepare"][0].number in columns(html, "to_prepare")
    html = client.get(url, {"site": other.code}).content.decode()
    assert 'data-site="GR"' in html and 'id="no-orders"' in html


def test_a_hostile_buyer_name_is_escaped_on_the_board(
    client, account, on_sale, shop_staff, station
):
    from shop.models import BuyerAccount

    BuyerAccount.objects.filter(pk=account.pk).update(legal_name="<script>alert(1)</script>")
    make_orders(account, on_sale, shop_staff, station, 1)
    client.force_login(shop_staff)
    html = client.get(reverse("shop:orders")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
