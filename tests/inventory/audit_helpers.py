"""Helpers for the audit tests: a crew with every workstation, devices walked to a state."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from demo.walks import Crew, device_advance
from tests import factories
from workshop.models import WorkstationKind


def make_crew(*, bench, coach, shop, manager, station) -> Crew:
    return Crew(
        bench=bench,
        coach=coach,
        shop=shop,
        manager=manager,
        stations={kind: station(kind) for kind in WorkstationKind.values},
    )


def walked_device(
    *,
    site,
    crew: Crew,
    state: str,
    now: datetime,
    step: timedelta = timedelta(hours=6),
    category_code: str = "laptop",
    **kwargs,
):
    """Register a device at ``now`` and walk it to ``state``, one step every ``step``."""
    device = factories.make_device(
        site=site, category_code=category_code, actor=crew.bench, now=now, **kwargs
    )
    device_advance(device, state, crew, now=now, step=step)
    device.refresh_from_db()
    return device


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hash test passwords cheaply: PBKDF2 costs half a second a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
