"""Real threads against PostgreSQL: twenty associations reserve the last device at once."""

from __future__ import annotations

import pytest
from django.db import connection

from refurb.states import State
from shop import services
from shop.models import OrderLine, Reservation
from tests import factories
from tests.shop.orders_support import approved_account, offer_of
from tests.shop.support import make_grid
from tests.shop.test_concurrency import devices_on_sale, run_threads
from workshop.exceptions import DomainError

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and concurrent transactions need PostgreSQL (SQLite has one writer)",
    ),
]


def test_twenty_associations_order_the_last_device_at_once_and_exactly_one_gets_it():
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    factories.site_legal(site)
    make_grid()
    [device], crew = devices_on_sale(site, 1)
    accounts = [
        approved_account(site, crew.shop, email=f"asso{i}@example.org", rna=f"W69{i:07d}")
        for i in range(20)
    ]
    offer = offer_of(device)

    def work(index):
        services.basket_add(account=accounts[index], **offer)
        return services.order_place(account=accounts[index], fulfilment="pickup")

    results = run_threads(20, work)
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1, results
    assert all(isinstance(e, DomainError) and e.code == "item_taken" for e in lost), lost
    device.refresh_from_db()
    assert device.state == State.RESERVED
    assert Reservation.objects.filter(device=device, status="active").count() == 1
    assert OrderLine.objects.filter(device=device).count() == 1
    assert OrderLine.objects.get(device=device).order_id == won[0].pk
