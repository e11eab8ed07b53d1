"""Real threads against PostgreSQL: one sale per device, invoice numbers without gap.

Each thread uses its own database connection (Django opens one per thread) and closes it at
the end. SQLite serialises writers for the whole database, so these claims are only tested
on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from refurb.states import State
from shop import services
from shop.models import DevicePrice, DocumentCounter, PriceRule, Sale
from tests import factories
from tests.shop.support import NOW, buyer, make_grid
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK

pytestmark = [
    # No serialized rollback: the reference data a flush removes comes back after it (post_migrate),
    # and reloading a serialized copy on top of it would clash with the role groups.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and concurrent transactions need PostgreSQL (SQLite has one writer)",
    ),
]


def run_threads(count: int, work) -> list:
    """Start ``count`` threads on ``work(index)`` together; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def devices_on_sale(site, count: int) -> list:
    """Register devices and put them on sale quickly (the walk is tested elsewhere)."""
    from demo.walks import Crew, device_advance

    crew = Crew(
        bench=factories.UserFactory(username="bench", roles=["bench_worker"]),
        coach=factories.UserFactory(username="coach", roles=["coach"]),
        shop=factories.UserFactory(username="shop", roles=["shop"]),
        manager=factories.UserFactory(username="manager", roles=["manager"]),
        stations={
            kind: factories.WorkstationFactory(site=site, kind=kind, name=kind)
            for kind in WK.values
        },
    )
    devices = []
    for index in range(count):
        device = factories.make_device(site=site, actor=crew.bench, serial_number=f"C{index}")
        device_advance(device, State.ON_SALE, crew, now=NOW - timedelta(days=2))
        devices.append(device)
    return devices, crew


@pytest.fixture
def shop_site(db):
    from tests.shop.support import legal_for

    site = factories.SiteFactory(code="LY")
    legal_for(site)
    make_grid()
    return site


def test_twenty_clerks_selling_the_same_device_sell_it_once(shop_site):
    [device], crew = devices_on_sale(shop_site, 1)
    clerks = [factories.UserFactory(username=f"clerk{i}", roles=["shop"]) for i in range(20)]
    buyers = [buyer("public", name=f"Client {i}") for i in range(20)]
    station = crew.stations[WK.SHOP]

    def sell(index):
        return services.sale_complete(
            site=shop_site,
            buyer=buyers[index],
            items=[device.asset_tag],
            payment_method="cash",
            actor=clerks[index],
            workstation=station,
            now=NOW,
        )

    results = run_threads(20, sell)
    sales = [r for r in results if isinstance(r, Sale)]
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(sales) == 1, results
    assert len(errors) == 19
    assert {e.code for e in errors} == {"not_on_sale"}
    assert Sale.objects.count() == 1
    assert DocumentCounter.objects.get().last_number == 1
    device.refresh_from_db()
    assert device.state == State.SOLD
    assert device.events.filter(to_state=State.SOLD).count() == 1


def test_two_hundred_sales_on_eight_threads_number_invoices_1_to_200(shop_site):
    # 200 devices walked through every bench take long; price them directly instead.
    rule = PriceRule.objects.get(category__code="laptop", grade__code="B", spec_tier=None)
    devices, crew = devices_on_sale(shop_site, 8)
    template = devices[0]
    extra = []
    for index in range(200 - len(devices)):
        device = factories.make_device(site=shop_site, actor=crew.bench, serial_number=f"X{index}")
        extra.append(device)
    from refurb.models import Device

    Device.objects.filter(pk__in=[d.pk for d in extra]).update(
        state=State.ON_SALE, grade=template.grade, no_storage_confirmed=True
    )
    DevicePrice.objects.bulk_create(
        DevicePrice(
            device=device,
            rule=rule,
            solidarity_price=rule.solidarity_price,
            standard_price=rule.standard_price,
            set_at=NOW,
        )
        for device in extra
    )
    devices += extra
    client = buyer("public")
    station = crew.stations[WK.SHOP]

    def sell_many(thread_index):
        made = []
        for device in devices[thread_index::8]:
            made.append(
                services.sale_complete(
                    site=shop_site,
                    buyer=client,
                    items=[device],
                    payment_method="card",
                    actor=crew.shop,
                    workstation=station,
                    now=NOW,
                ).seq
            )
        return made

    results = run_threads(8, sell_many)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(seq for chunk in results for seq in chunk)
    assert numbers == list(range(1, 201))
    assert sorted(Sale.objects.values_list("seq", flat=True)) == list(range(1, 201))
    assert Sale.objects.values("number").distinct().count() == 200
    assert DocumentCounter.objects.get().last_number == 200
    assert sum(Sale.objects.values_list("total", flat=True)) == Decimal("24000.00")


def test_failed_payments_under_load_consume_no_number(shop_site):
    devices, crew = devices_on_sale(shop_site, 6)
    client = buyer("public")
    station = crew.stations[WK.SHOP]

    def refuse(sale):
        raise DomainError("payment_refused", "Terminal refused the card")

    def sell(index):
        return services.sale_complete(
            site=shop_site,
            buyer=client,
            items=[devices[index]],
            payment_method="card",
            actor=crew.shop,
            workstation=station,
            now=NOW,
            payment_hook=refuse if index % 2 else None,
        )

    results = run_threads(6, sell)
    assert sum(isinstance(r, Sale) for r in results) == 3
    assert sorted(Sale.objects.values_list("seq", flat=True)) == [1, 2, 3]
    assert DocumentCounter.objects.get().last_number == 3
    for index, device in enumerate(devices):
        device.refresh_from_db()
        assert device.state == (State.ON_SALE if index % 2 else State.SOLD)
