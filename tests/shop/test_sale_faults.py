"""A process killed in the middle of a sale leaves no partial write and no gap in invoice numbers.

A real child process runs the real ``sale_complete`` against the test database; the sale's
first device transition pauses at the ``event_append`` fault point (counter taken, sale and
lines inserted, device row written, transaction open) and the child is killed with SIGKILL.
No sale, no consumed invoice number, devices and reservation as before; the next sale takes
the next number.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from django.db import connection

from refurb.chain import chains_verify
from refurb.states import State
from shop import services
from shop.models import DocumentCounter, PaymentMethod, Reservation, Sale
from tests import factories
from tests.shop.support import buyer as make_buyer
from tests.subproc import ROOT, child_env, current_database_url
from tests.workshop.test_faults import kill_when_paused
from workshop.reference import ensure_reference_data

SALE = """
import django; django.setup()
from django.contrib.auth import get_user_model
from shop.models import Buyer
from refurb.models import Device
from shop.services import sale_complete
from workshop.models import Site
from tests import factories
sale = sale_complete(workstation=factories.bench("shop"),
    site=Site.objects.get(pk={site}),
    buyer=Buyer.objects.get(pk={buyer}),
    items=list(Device.objects.filter(pk__in={devices}).order_by("pk")),
    payment_method="cash",
    actor=get_user_model().objects.get(pk={actor}),
)
print("COMMITTED", sale.number, flush=True)
"""


@pytest.fixture
def reference_data(transactional_db):
    """Roles, grades, categories: a serialized transactional test's flush leaves none behind."""
    ensure_reference_data()


@pytest.fixture
def shop_floor(site, legal, crew, on_sale):
    """One sale already numbered, a device on sale and one reserved for the buyer."""
    buyer = make_buyer("association", actor=crew.shop, now=None)
    first = on_sale()
    services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=buyer,
        items=[first],
        payment_method=PaymentMethod.CASH,
        actor=crew.shop,
    )
    loose, held = on_sale(), on_sale()
    reservation = services.reservation_create(
        workstation=factories.bench("shop"), device=held, buyer=buyer, actor=crew.shop
    )
    code = SALE.format(
        site=site.pk, buyer=buyer.pk, devices=[loose.pk, held.pk], actor=crew.shop.pk
    )
    return buyer, loose, held, reservation, code


def snapshot():
    return (
        list(Sale.objects.values_list("number", flat=True)),
        list(DocumentCounter.objects.values_list("last_number", flat=True)),
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite variant is below")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_a_sale_killed_mid_transaction_leaves_postgresql_unchanged_and_numbers_gapless(
    site, crew, shop_floor
):
    buyer, loose, held, reservation, code = shop_floor
    sales_before, counters_before = snapshot()
    assert counters_before == [1]

    env = child_env(current_database_url(), ATELIER_FAULT_PAUSE="event_append:120")
    kill_when_paused(code, env)

    assert snapshot() == (sales_before, counters_before)
    loose.refresh_from_db()
    held.refresh_from_db()
    assert (loose.state, held.state) == (State.ON_SALE, State.RESERVED)
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.ACTIVE
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '10s'")  # the dead session's row locks are gone
    sale = services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=buyer,
        items=[loose, held],
        payment_method=PaymentMethod.CASH,
        actor=crew.shop,
    )
    assert sale.seq == 2
    assert chains_verify().ok


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the PostgreSQL variant is above")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_a_sale_killed_mid_transaction_leaves_a_sqlite_file_unchanged_and_numbers_gapless(
    shop_floor, tmp_path
):
    _buyer, loose, held, reservation, code = shop_floor
    path = tmp_path / "atelier.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    url = f"sqlite:///{path}"

    def state():
        with sqlite3.connect(path) as db:
            return {
                "sales": db.execute("SELECT number FROM inventory_sale ORDER BY id").fetchall(),
                "counter": db.execute(
                    "SELECT last_number FROM inventory_documentcounter"
                ).fetchall(),
                "devices": db.execute(
                    "SELECT state FROM inventory_device WHERE id IN (?, ?) ORDER BY id",
                    [loose.pk, held.pk],
                ).fetchall(),
                "reservation": db.execute(
                    "SELECT status FROM inventory_reservation WHERE id = ?", [reservation.pk]
                ).fetchone(),
            }

    before = state()
    assert before["devices"] == [(State.ON_SALE,), (State.RESERVED,)]
    kill_when_paused(code, child_env(url, ATELIER_FAULT_PAUSE="event_append:120"))
    assert state() == before

    retried = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**child_env(url), "DJANGO_SETTINGS_MODULE": "workshop.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "COMMITTED" in retried.stdout, retried.stderr
    number = retried.stdout.split()[-1]
    assert number.endswith("-000002")
    after = state()
    assert after["counter"] == [(2,)]
    assert after["devices"] == [(State.SOLD,), (State.SOLD,)]
    assert after["reservation"] == (Reservation.Status.SOLD,)
