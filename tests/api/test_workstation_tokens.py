"""Workstation tokens: shown once, stored hashed, revocable, acting as their workstation."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from refurb.models import DeviceEvent
from workshop.models import WorkstationKind, WorkstationToken
from workshop.services import (
    office_workstation,
    user_token_create,
    workstation_token_create,
    workstation_token_revoke,
)


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.django_db
def test_the_command_prints_a_key_that_is_stored_only_as_a_digest(station):
    erasure = station(WorkstationKind.ERASURE)
    out = io.StringIO()
    call_command("create_workstation_token", "LY", erasure.name, stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    token = WorkstationToken.objects.get()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix)
    assert key not in {token.digest, token.prefix, token.label}
    assert _client(key).get("/api/devices/").status_code == 200


@pytest.mark.django_db
def test_a_revoked_token_is_refused(station):
    token, key = workstation_token_create(workstation=station(WorkstationKind.ERASURE))
    workstation_token_revoke(token=token)
    response = _client(key).get("/api/devices/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_a_token_records_when_it_was_last_used(station):
    token, key = workstation_token_create(workstation=station(WorkstationKind.ERASURE))
    _client(key).get("/api/sites/")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_a_workstation_move_is_recorded_without_actor_and_with_the_workstation(
    token_client, screen
):
    response = token_client(WorkstationKind.ERASURE).post(
        f"/api/devices/{screen.asset_tag}/transitions/", {"to": "wiped"}, format="json"
    )
    assert response.status_code == 200, response.content
    event = DeviceEvent.objects.get(pk=response.json()["event"]["id"])
    assert event.actor is None
    assert event.workstation.kind == WorkstationKind.ERASURE
    assert response.json()["device"]["state"] == "wiped"


@pytest.mark.django_db
def test_a_workstation_may_only_make_the_moves_of_its_kind(token_client, screen):
    response = token_client(WorkstationKind.TEST).post(
        f"/api/devices/{screen.asset_tag}/transitions/", {"to": "wiped"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "workstation_forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "expected"),
    [(WorkstationKind.ERASURE, ["wiped"]), (WorkstationKind.TEST, []), ("shop", [])],
)
def test_next_lists_what_the_workstation_may_do(token_client, screen, kind, expected):
    response = token_client(kind).get(f"/api/devices/{screen.asset_tag}/")
    assert response.json()["next"] == expected


@pytest.mark.django_db
def test_next_lists_what_the_user_may_do_at_the_bench_it_is_at(
    client_as, bench_worker, manager, screen, station
):
    path = f"/api/devices/{screen.asset_tag}/"
    assert client_as(bench_worker).get(path).json()["next"] == []
    erasure = station(WorkstationKind.ERASURE)
    assert client_as(bench_worker, erasure).get(path).json()["next"] == ["wiped"]
    office = office_workstation(screen.site)
    assert sorted(client_as(manager, office).get(path).json()["next"]) == ["wiped", "written_off"]


@pytest.mark.django_db
def test_a_user_token_authenticates_as_its_user_but_moves_nothing_from_nowhere(
    bench_worker, screen
):
    key = user_token_create(user=bench_worker)[1]
    assert _client(key).get(f"/api/devices/{screen.asset_tag}/").status_code == 200
    response = _client(key).post(
        f"/api/devices/{screen.asset_tag}/transitions/", {"to": "wiped"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "workstation_required")
