"""Fixtures of the integrity tests: a crew with a workstation of every kind, API clients."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from demo.walks import Crew
from workshop.models import WorkstationKind


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
def client_as():
    """Return an API client signed in as ``user`` (a real session login)."""

    def make(user, workstation=None):
        client = APIClient()
        client.force_login(user)
        if workstation is not None:
            # The browser is set to a bench, as the bench screens do (a signed cookie).
            client.post(
                reverse("bench:workstation"), {"workstation": workstation.pk}, format="multipart"
            )
        return client

    return make
