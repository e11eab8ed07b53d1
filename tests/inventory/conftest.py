"""Fixtures of the inventory tests."""

from __future__ import annotations

import pytest

from demo.walks import Crew
from tests import factories
from workshop import roles
from workshop.models import WorkstationKind as WK


@pytest.fixture
def crew(site, make_user):
    stations = {
        kind: factories.WorkstationFactory(site=site, kind=kind, name=f"Poste {kind}")
        for kind in (WK.INTAKE, WK.ERASURE, WK.TEST, WK.GRADING, WK.SHOP, WK.STOCK)
    }
    return Crew(
        bench=make_user(roles.BENCH_WORKER, username="salome", site=site),
        coach=make_user(roles.COACH, username="claire", site=site),
        shop=make_user(roles.SHOP, username="lucas", site=site),
        manager=make_user(roles.MANAGER, username="nadia", site=site),
        stations=stations,
    )
