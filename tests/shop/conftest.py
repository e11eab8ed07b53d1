"""Fixtures of the shop tests: legal identity, crew, price grid, devices on sale."""

import pytest

from demo.walks import Crew, device_advance
from refurb.states import State
from tests import factories
from tests.shop.support import NOW, SERIALS, legal_for, make_grid
from workshop.models import WorkerProfile, WorkstationKind


@pytest.fixture
def legal(site):
    return legal_for(site)


@pytest.fixture
def shop_staff(shop_staff, site):
    """Shop staff work at ``site``: they see its buyers and sales."""
    WorkerProfile.objects.update_or_create(user=shop_staff, defaults={"site": site})
    return shop_staff


@pytest.fixture
def crew(site, bench_worker, coach, shop_staff, manager, station):
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WorkstationKind.values},
    )


@pytest.fixture
def grid(db):
    return make_grid()


@pytest.fixture
def on_sale(site, crew, grid):
    """Return a maker of devices walked to ``on_sale`` (or ``state``) through the services."""

    def make(category="laptop", grade="B", specs=None, state=State.ON_SALE, **kwargs):
        device = factories.make_device(
            site=site,
            category_code=category,
            actor=crew.bench,
            specs=specs or {},
            serial_number=kwargs.pop("serial_number", f"SN{next(SERIALS)}"),
            **kwargs,
        )
        device_advance(device, state, crew, now=NOW.replace(day=1), grade=grade)
        return device

    return make
