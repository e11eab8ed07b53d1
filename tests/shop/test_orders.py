"""Online orders: holds on the shop's reservations, placing, preparing, handing over, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from refurb.states import State
from shop import services
from shop.models import Order, OrderEvent, OrderEventImmutable, QuotaRule, Reservation, Sale
from tests import factories
from tests.shop.orders_support import approved_account, offer_of, signup
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(site, shop_staff, legal):
    return approved_account(site, shop_staff)


@pytest.fixture
def laptops(on_sale):
    return [on_sale(make="Dell", model="Latitude 7490") for _ in range(2)]


def test_reserving_an_offer_holds_one_device_for_thirty_minutes(account, laptops):
    before = timezone.now()
    [line] = services.basket_add(account=account, **offer_of(laptops[0]))
    line.device.refresh_from_db()
    assert line.device.state == State.RESERVED
    assert line.reservation.buyer_id == account.buyer_id
    held = line.reservation.expires_at - before
    assert timedelta(minutes=29) < held <= timedelta(minutes=30, seconds=5)
    assert line.order.status == Order.Status.BASKET
    assert list(line.order.events.values_list("code", flat=True)) == ["added"]


def test_the_hold_time_comes_from_the_settings(account, laptops, settings):
    settings.ATELIER_BASKET_HOLD_MINUTES = 5
    [line] = services.basket_add(account=account, **offer_of(laptops[0]))
    assert line.reservation.expires_at - timezone.now() <= timedelta(minutes=5)


def test_a_second_reservation_of_the_same_offer_takes_the_other_device(account, laptops):
    first = services.basket_add(account=account, **offer_of(laptops[0]))[0]
    second = services.basket_add(account=account, **offer_of(laptops[0]))[0]
    assert {first.device_id, second.device_id} == {d.pk for d in laptops}
    with pytest.raises(DomainError) as refused:
        services.basket_add(account=account, **offer_of(laptops[0]))
    assert refused.value.code == "item_taken"
    assert "autre" in refused.value.message or "another" in refused.value.message


def test_an_account_not_approved_reserves_nothing(site, laptops):
    account = signup(site)
    with pytest.raises(DomainError) as refused:
        services.basket_add(account=account, **offer_of(laptops[0]))
    assert refused.value.code == "account_not_approved"
    laptops[0].refresh_from_db()
    assert laptops[0].state == State.ON_SALE


def test_a_kit_is_held_whole_and_removed_whole(account, on_sale, crew, site):
    devices = [on_sale(make="HP", model="ProDesk"), on_sale(category="screen", make="HP")]
    kit = services.kit_assemble(site=site, devices=devices, name="Poste complet", actor=crew.shop)
    lines = services.basket_add(account=account, site=site.code, kit=kit.tag)
    assert len(lines) == 2 and all(line.kit_id == kit.pk for line in lines)
    assert Reservation.objects.filter(device__in=devices, status="active").count() == 2
    services.basket_remove(account=account, line_id=lines[0].pk)
    for device in devices:
        device.refresh_from_db()
        assert device.state == State.ON_SALE
    assert not lines[0].order.lines.exists()


def test_the_whole_journey_makes_the_sale_with_sale_complete(
    account, laptops, on_sale, crew, site, shop_staff, station, smtp_server
):
    screens = [on_sale(category="screen", make="Iiyama"), on_sale(category="peripheral")]
    kit = services.kit_assemble(site=site, devices=screens, name="Écran + clavier", actor=crew.shop)
    services.basket_add(account=account, **offer_of(laptops[0]))
    services.basket_add(account=account, site=site.code, kit=kit.tag)
    order = services.order_place(account=account, fulfilment="pickup")
    assert order.number.startswith("LY-CMD-") and order.status == "placed"
    held = Reservation.objects.filter(order_line__order=order)
    assert all(r.expires_at > timezone.now() + timedelta(days=1) for r in held)
    services.order_confirm(order=order, actor=shop_staff)
    laptop_tag = order.lines.exclude(kit=kit).get().device.asset_tag
    services.order_pick(order=order, code=laptop_tag, actor=shop_staff)
    with pytest.raises(DomainError) as refused:
        services.order_pick(order=order, code=laptops[1].asset_tag, actor=shop_staff)
    assert refused.value.code == "not_in_order"
    order = services.order_pick(order=order, code=kit.tag, actor=shop_staff)
    assert order.status == "ready"
    shop = station(WorkstationKind.SHOP)
    order = services.order_hand_over(order=order, actor=shop_staff, workstation=shop)
    sale = Sale.objects.get(pk=order.sale_id)
    assert sale.buyer_id == account.buyer_id and sale.tier == "solidarity"
    assert sale.lines.count() == 3
    assert order.status == "handed_over"
    assert list(order.events.values_list("code", flat=True)) == [
        "added",
        "added",
        "placed",
        "confirmed",
        "picked",
        "picked",
        "ready",
        "handed_over",
    ]
    smtp_server.wait(3)  # placed, ready, invoice (the account was made before the server)
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert any("reçue" in s for s in subjects) and any("prête" in s for s in subjects)
    invoice = smtp_server.messages[-1]
    assert sale.number in invoice["Subject"]
    [attachment] = list(invoice.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content()[:5] == b"%PDF-"


def test_shipping_needs_a_carrier_and_tracking_number(
    account, laptops, shop_staff, station, smtp_server
):
    services.basket_add(account=account, **offer_of(laptops[0]))
    order = services.order_place(
        account=account, fulfilment="delivery", delivery_address="3 rue Garibaldi\n69003 Lyon"
    )
    order = services.order_pick(
        order=order, code=order.lines.get().device.asset_tag, actor=shop_staff
    )
    shop = station(WorkstationKind.SHOP)
    with pytest.raises(DomainError) as refused:
        services.order_ship(
            order=order, actor=shop_staff, workstation=shop, carrier="", tracking_number=""
        )
    assert set(refused.value.fields) == {"carrier", "tracking_number"}
    assert not Sale.objects.exists()
    order = services.order_ship(
        order=order, actor=shop_staff, workstation=shop, carrier="La Poste", tracking_number="6A123"
    )
    assert order.status == "shipped" and order.sale_id
    smtp_server.wait(4)
    shipped = [m for m in smtp_server.messages if "expédiée" in m["Subject"]]
    assert "6A123" in shipped[0].get_body(("plain",)).get_content()


def test_a_delivery_needs_an_address(account, laptops):
    services.basket_add(account=account, **offer_of(laptops[0]))
    with pytest.raises(DomainError) as refused:
        services.order_place(account=account, fulfilment="delivery", delivery_address=" ")
    assert "delivery_address" in refused.value.fields
    assert Order.objects.get().status == "basket"


def test_an_expired_hold_refuses_the_order_and_says_what_to_do(account, laptops):
    [line] = services.basket_add(account=account, **offer_of(laptops[0]))
    later = timezone.now() + timedelta(minutes=31)
    with pytest.raises(DomainError) as refused:
        services.order_place(account=account, fulfilment="pickup", now=later)
    assert refused.value.code == "hold_expired"
    assert line.device.asset_tag in refused.value.message
    assert Order.objects.get().status == "basket"


def test_holds_that_expire_release_the_device(account, laptops):
    [line] = services.basket_add(account=account, **offer_of(laptops[0]))
    services.orders_expire(now=timezone.now() + timedelta(minutes=31))
    line.device.refresh_from_db()
    assert line.device.state == State.ON_SALE
    assert Reservation.objects.get(pk=line.reservation_id).status == "expired"
    basket = Order.objects.get()
    assert basket.status == "basket" and not basket.lines.exists()
    assert basket.events.last().code == "expired"


def test_a_placed_order_not_handed_over_in_time_expires_whole(account, laptops):
    services.basket_add(account=account, **offer_of(laptops[0]))
    order = services.order_place(account=account, fulfilment="pickup")
    services.orders_expire(now=timezone.now() + timedelta(days=30))
    order.refresh_from_db()
    assert order.status == "expired"
    laptops_states = {
        d.state for d in type(laptops[0]).objects.filter(pk__in=[d.pk for d in laptops])
    }
    assert laptops_states == {State.ON_SALE}


def test_the_expire_reservations_command_runs_the_order_expiry(account, laptops):
    from io import StringIO

    from django.core.management import call_command

    [line] = services.basket_add(account=account, **offer_of(laptops[0]))
    Reservation.objects.filter(pk=line.reservation_id).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()
    call_command("expire_reservations", stdout=out)
    line.device.refresh_from_db()
    assert line.device.state == State.ON_SALE
    assert "order hold(s) expired" in out.getvalue()


def test_cancelling_releases_every_device(account, laptops, shop_staff):
    services.basket_add(account=account, **offer_of(laptops[0]))
    order = services.order_place(account=account, fulfilment="pickup")
    services.order_cancel(order=order, account=account, reason="Plus besoin")
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.lines.get().device.state == State.ON_SALE
    with pytest.raises(DomainError):
        services.order_cancel(order=order, actor=shop_staff)


def test_an_order_over_quota_is_refused_by_the_counters_rule(account, laptops):
    rule = QuotaRule.objects.create(
        name="Deux ordinateurs par an", buyer_kind="association", max_devices=1, period_months=12
    )
    rule.categories.add(factories.category("laptop"))
    services.basket_add(account=account, **offer_of(laptops[0]))
    with pytest.raises(DomainError) as refused:
        services.basket_add(account=account, **offer_of(laptops[0]))
    assert refused.value.code == "quota_exceeded"
    assert Order.objects.get().lines.count() == 1
    laptops_on_sale = [d for d in laptops if type(d).objects.get(pk=d.pk).state == State.ON_SALE]
    assert len(laptops_on_sale) == 1


def test_order_events_are_append_only(account, laptops):
    services.basket_add(account=account, **offer_of(laptops[0]))
    event = OrderEvent.objects.get()
    event.code = "forged"
    with pytest.raises(OrderEventImmutable):
        event.save()
    with pytest.raises(OrderEventImmutable):
        event.delete()
