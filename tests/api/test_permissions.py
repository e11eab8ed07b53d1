"""The permission matrix: every role × endpoint × method answers the expected status."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import make_device
from workshop import roles
from workshop.models import WorkstationKind

ANON, BENCH, COACH, SHOP, MANAGER, ADMIN, WS_ERASE, WS_SHOP, COUNSELLOR = (
    "anonymous",
    "bench_worker",
    "coach",
    "shop",
    "manager",
    "superuser",
    "ws_erasure",
    "ws_shop",
    "counsellor",
)
PRINCIPALS = [ANON, BENCH, COACH, SHOP, MANAGER, ADMIN, WS_ERASE, WS_SHOP, COUNSELLOR]


def _everyone(status: int) -> dict[str, int]:
    """Every role that works with devices; a job counsellor reaches no device API (403)."""
    return {
        name: (401 if name == ANON else 403 if name == COUNSELLOR else status)
        for name in PRINCIPALS
    }


def _only(allowed: set[str], ok: int) -> dict[str, int]:
    return {name: 401 if name == ANON else (ok if name in allowed else 403) for name in PRINCIPALS}


BENCH_WRITERS = {BENCH, COACH, MANAGER, ADMIN, WS_ERASE}

# endpoint name -> (method, path template, body template, expected status by principal)
ENDPOINTS = {
    "list sites": ("get", "/api/sites/", None, _everyone(200)),
    "site detail": ("get", "/api/sites/LY/", None, _everyone(200)),
    "create site": (
        "post",
        "/api/sites/",
        {"code": "PA", "name": "Paris"},
        _only({MANAGER, ADMIN}, 201),
    ),
    "list workstations": ("get", "/api/workstations/", None, _everyone(200)),
    "create workstation": (
        "post",
        "/api/workstations/",
        {"site": "LY", "name": "Nouveau poste", "kind": "test"},
        _only({MANAGER, ADMIN}, 201),
    ),
    "list locations": ("get", "/api/locations/", None, _everyone(200)),
    "create location": (
        "post",
        "/api/locations/",
        {"site": "LY", "name": "Bac B2", "kind": "bin"},
        _only({COACH, SHOP, MANAGER, ADMIN, WS_SHOP}, 201),
    ),
    "list donors": ("get", "/api/donors/", None, _everyone(200)),
    "create donor": ("post", "/api/donors/", {"kind": "person", "name": "Jean"}, _everyone(201)),
    "list collections": ("get", "/api/collections/", None, _everyone(200)),
    "create collection": (
        "post",
        "/api/collections/",
        {"donor": "{donor}", "site": "LY", "gross_weight_kg": "3.5"},
        _everyone(201),
    ),
    "list devices": ("get", "/api/devices/", None, _everyone(200)),
    "device detail": ("get", "/api/devices/{laptop}/", None, _everyone(200)),
    "device timeline": ("get", "/api/devices/{laptop}/timeline/", None, _everyone(200)),
    "register device": (
        "post",
        "/api/devices/",
        {"site": "LY", "category": "laptop", "make": "HP"},
        _everyone(201),
    ),
    "move device": ("post", "/api/devices/{laptop}/move/", {"location": "{shelf}"}, _everyone(200)),
    "wipe a screen": (
        "post",
        "/api/devices/{screen}/transitions/",
        {"to": "wiped"},
        # Every move is made from a workstation: a session or user token at none is refused.
        _only({WS_ERASE}, 200),
    ),
    "confirm no storage": (
        "post",
        "/api/devices/{laptop}/no-storage/",
        None,
        _only(BENCH_WRITERS, 200),
    ),
    "list drives": ("get", "/api/drives/", None, _everyone(200)),
    "drive detail": ("get", "/api/drives/{drive}/", None, _everyone(200)),
    "add drive": (
        "post",
        "/api/drives/",
        {"device": "{laptop}", "kind": "ssd"},
        _only(BENCH_WRITERS, 201),
    ),
    "list erasures": ("get", "/api/erasures/", None, _everyone(200)),
    "record erasure": (
        "post",
        "/api/erasures/",
        {
            "drive": "{drive}",
            "method": "clear",
            "tool": "nwipe",
            "result": "success",
            "verified": True,
        },
        _only(BENCH_WRITERS, 201),
    ),
    "list destructions": ("get", "/api/destructions/", None, _everyone(200)),
    "record destruction": (
        "post",
        "/api/destructions/",
        {"drive": "{drive}", "method": "shredding", "witness": "Claire"},
        _only(BENCH_WRITERS, 201),
    ),
    "list test results": ("get", "/api/test-results/", None, _everyone(200)),
    "record test result": (
        "post",
        "/api/test-results/",
        {"device": "{laptop}", "item": "keyboard", "passed": True},
        _only(BENCH_WRITERS, 201),
    ),
    "list events": ("get", "/api/events/", None, _everyone(200)),
    "post an event": (
        "post",
        "/api/events/",
        {"code": "moved"},
        {**_everyone(405), COUNSELLOR: 405},
    ),
    "scan a tag": ("get", "/api/scan/{laptop}", None, _everyone(200)),
    "schema": ("get", "/api/schema/", None, {name: 200 for name in PRINCIPALS}),
}

ROWS = [
    pytest.param(name, principal, id=f"{name}-{principal}")
    for name in ENDPOINTS
    for principal in PRINCIPALS
]


@pytest.fixture
def client_for(make_user, token_client):
    def make(principal: str) -> APIClient:
        if principal == ANON:
            return APIClient()
        if principal == WS_ERASE:
            return token_client(WorkstationKind.ERASURE)
        if principal == WS_SHOP:
            return token_client(WorkstationKind.SHOP)
        client = APIClient()
        if principal == ADMIN:
            user = make_user(username="root", is_superuser=True, is_staff=True)
        else:
            user = make_user(principal, username=f"user-{principal}")
        client.force_login(user)
        return client

    return make


def _fill(value, world: dict):
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {key: _fill(item, world) for key, item in value.items()}
    return value


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "principal"), ROWS)
def test_each_role_gets_the_expected_status(
    endpoint, principal, client_for, site, donor, shelf, laptop, drive, screen
):
    method, path, body, expected = ENDPOINTS[endpoint]
    world = {
        "donor": donor.pk,
        "shelf": shelf.tag,
        "laptop": laptop.asset_tag,
        "drive": drive.tag,
        "screen": screen.asset_tag,
    }
    if endpoint == "confirm no storage":  # the laptop has a drive: use a drive-less one
        world["laptop"] = make_device(site=site).asset_tag
    client = client_for(principal)
    response = getattr(client, method)(_fill(path, world), _fill(body, world), format="json")
    assert response.status_code == expected[principal], response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "fields"}


def test_matrix_covers_every_role():
    assert set(roles.ROLES) <= set(PRINCIPALS)
