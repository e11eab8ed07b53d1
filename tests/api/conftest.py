"""Fixtures of the API tests: clients per role and per workstation token, a small workshop."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from inventory import services as inventory_services
from refurb import services as refurb_services
from tests import factories
from workshop.models import WorkstationKind
from workshop.services import workstation_token_create


@pytest.fixture
def api():
    """Return an anonymous API client."""
    return APIClient()


@pytest.fixture
def client_as():
    """Return an API client authenticated as ``user`` (a real session login)."""

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


@pytest.fixture
def token_client(station):
    """Return an API client that sends a fresh workstation token of ``kind``."""

    def make(kind: str = WorkstationKind.ERASURE):
        _token, key = workstation_token_create(workstation=station(kind))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def donor(db):
    return factories.DonorFactory(name="Mairie de Lyon")


@pytest.fixture
def collection(site, donor):
    return inventory_services.collection_create(donor=donor, site=site, gross_weight_kg="12.5")


@pytest.fixture
def shelf(site):
    return inventory_services.location_create(site=site, name="Étagère A1")


@pytest.fixture
def drive(laptop, bench_worker):
    return refurb_services.drive_add(device=laptop, actor=bench_worker, serial_number="WD-123")


@pytest.fixture
def screen(site, bench_worker):
    """A device of a category that holds no data: it may leave ``received`` at once."""
    return factories.make_device(site=site, category_code="screen", actor=bench_worker)
