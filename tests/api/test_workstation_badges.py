"""Events always name who made them (issue 15, item 6): a workstation token may carry the
badge of the person signed in at the bench (``X-Atelier-Badge``); without one the event says
the workstation's agent made it."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from refurb.chain import chains_verify
from refurb.eventtext import event_by
from refurb.models import DeviceEvent
from tests import factories
from workshop import roles
from workshop.models import WorkstationKind
from workshop.services import badge_create, workstation_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def erasure_client(station):
    def make(badge: str | None = None, kind: str = WorkstationKind.ERASURE):
        _token, key = workstation_token_create(workstation=station(kind))
        client = APIClient()
        headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
        if badge is not None:
            headers["HTTP_X_ATELIER_BADGE"] = badge
        client.credentials(**headers)
        return client

    return make


def _wipe(client, device):
    return client.post(
        f"/api/devices/{device.asset_tag}/transitions/", {"to": "wiped"}, format="json"
    )


def test_a_token_with_a_badge_records_the_person_signed_in_at_the_bench(
    erasure_client, screen, bench_worker
):
    bench_worker.first_name, bench_worker.last_name = "Inès", "Martin"
    bench_worker.save()
    badge_create(user=bench_worker, code="b-0042", pin="4821")
    response = _wipe(erasure_client(" B-0042 "), screen)
    assert response.status_code == 200, response.content
    event = DeviceEvent.objects.get(pk=response.json()["event"]["id"])
    assert (event.actor, event.actor_kind, event.workstation.kind) == (
        bench_worker,
        "person",
        WorkstationKind.ERASURE,
    )
    with translation.override("fr"):
        assert event_by(event) == "par Inès Martin"
    assert chains_verify().ok


def test_a_token_without_a_badge_says_the_workstations_agent_made_the_move(erasure_client, screen):
    response = _wipe(erasure_client(), screen)
    assert response.status_code == 200, response.content
    event = DeviceEvent.objects.get(pk=response.json()["event"]["id"])
    assert (event.actor, event.actor_kind) == (None, "agent")
    with translation.override("fr"):
        assert event_by(event) == f"par l’agent du poste {event.workstation.name}"
    assert chains_verify().ok


@pytest.fixture
def badges(site, bench_worker, make_user):
    other_site = factories.SiteFactory(code="GR", name="Atelier de Grenoble")
    elsewhere = make_user(roles.BENCH_WORKER, username="grenoble", site=other_site)
    seller = make_user(roles.SHOP, username="seller")
    gone = make_user(roles.BENCH_WORKER, username="gone")
    badge_create(user=elsewhere, code="GR-1", pin="1234")
    badge_create(user=seller, code="SHOP-1", pin="1234")
    badge_create(user=bench_worker, code="OLD-1", pin="1234", is_active=False)
    badge_create(user=gone, code="GONE-1", pin="1234")
    gone.is_active = False
    gone.save()


@pytest.mark.parametrize("code", ["NOBODY", "OLD-1", "GONE-1", "GR-1", "SHOP-1"])
def test_a_wrong_badge_is_refused_and_nothing_is_written(erasure_client, screen, badges, code):
    before = DeviceEvent.objects.filter(device=screen).count()
    response = _wipe(erasure_client(code), screen)
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "badge_refused"
    assert body["message"] and body["fields"] == {}
    screen.refresh_from_db()
    assert screen.state == "received"
    assert DeviceEvent.objects.filter(device=screen).count() == before


def test_a_badged_person_moves_only_as_their_role_allows(erasure_client, screen, make_user):
    coach = make_user(roles.COACH, username="coach-badge")
    badge_create(user=coach, code="C-1", pin="1234")
    # A coach may work at a shop bench, but putting on sale is for graded devices only; the
    # move is checked with the person's roles and the workstation's kind.
    response = erasure_client("C-1", kind=WorkstationKind.SHOP).post(
        f"/api/devices/{screen.asset_tag}/transitions/", {"to": "wiped"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "workstation_forbidden"
    assert DeviceEvent.objects.filter(device=screen).count() == 1


def test_a_badge_on_a_person_token_is_refused(screen, bench_worker):
    from workshop.services import user_token_create

    badge_create(user=bench_worker, code="B-9", pin="1234")
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {user_token_create(user=bench_worker)[1]}",
        HTTP_X_ATELIER_BADGE="B-9",
    )
    response = client.get(f"/api/devices/{screen.asset_tag}/")
    assert (response.status_code, response.json()["code"]) == (403, "badge_refused")


def test_the_bench_timeline_says_the_agent_or_the_person(
    erasure_client, screen, site, bench_worker, station, client
):
    from django.urls import reverse

    bench_worker.first_name, bench_worker.last_name = "Inès", "Martin"
    bench_worker.save()
    badge_create(user=bench_worker, code="B-7", pin="4821")
    assert _wipe(erasure_client(), screen).status_code == 200
    other = factories.make_device(site=site, category_code="screen", actor=bench_worker)
    assert _wipe(erasure_client("B-7"), other).status_code == 200
    client.force_login(bench_worker)
    client.post(reverse("bench:workstation"), {"workstation": station("erasure").pk})
    agent_page = client.get(
        reverse("bench:device", args=[screen.asset_tag]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert f"par l’agent du poste {station('erasure').name}" in agent_page.content.decode()
    person_page = client.get(
        reverse("bench:device", args=[other.asset_tag]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    text = person_page.content.decode()
    assert "par Inès Martin · " in text
    assert "par l’agent du poste" not in text
