"""Fixtures of the bench-screen tests: a signed-in client set to a workstation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from demo.walks import Crew
from workshop.models import WorkstationKind


@pytest.fixture
def at_bench(client, station):
    """Return ``use(user, kind)``: sign ``user`` in and set the browser to a ``kind`` bench."""

    def use(user, kind: str = WorkstationKind.INTAKE):
        client.force_login(user)
        workstation = station(kind)
        response = client.post(
            reverse("bench:workstation"), {"workstation": workstation.pk}, follow=True
        )
        assert response.status_code == 200
        return client

    return use


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WorkstationKind.values},
    )
