"""The repair and part endpoints: bounded to the caller's role and site, the fit refusals as
``{code, message, fields}`` with nothing written."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from inventory.models import Part
from inventory.services import PartSpec, device_harvest
from refurb.models import Repair
from tests import factories
from tests.inventory.conftest import crew  # noqa: F401 (a fixture)
from tests.inventory.test_parts import _in_repair
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.services import workstation_token_create

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _bench_token(station) -> APIClient:
    client = APIClient()
    _token, key = workstation_token_create(workstation=station)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def repair_world(site, crew):  # noqa: F811
    carcass = _in_repair(site, crew, failing="power_on", specs={"screen_inches": 14})
    (screen,) = device_harvest(
        device=carcass, parts=[PartSpec(category="screen", test_status="passed")],
        actor=crew.coach, workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    laptop = _in_repair(site, crew)
    return screen, Repair.objects.get(device=laptop, status="open")


def test_tickets_are_listed_for_the_callers_site_only(site, crew, repair_world, make_user):  # noqa: F811
    _screen, ticket = repair_world
    mine = _client(crew.coach).get("/api/repairs/", {"status": "open"}).json()
    assert [row["id"] for row in mine["results"]] == [ticket.pk]
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    theirs = make_user(roles.COACH, username="se-coach", site=other)
    assert _client(theirs).get("/api/repairs/").json()["results"] == []
    assert _client(theirs).get(f"/api/repairs/{ticket.pk}/").status_code == 404


def test_a_bench_token_fits_a_part_and_a_second_fit_is_refused(site, crew, repair_world):  # noqa: F811
    screen, ticket = repair_world
    client = _bench_token(crew.stations[WK.TEST])
    response = client.post(
        f"/api/repairs/{ticket.pk}/fit/", {"part": screen.tag, "category": "screen"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "fitted"
    again = client.post(
        f"/api/repairs/{ticket.pk}/fit/", {"part": screen.tag, "category": "screen"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "part_not_in_stock"
    assert set(again.json()) == {"code", "message", "fields"}


def test_a_part_of_another_category_is_a_422_and_nothing_changes(site, crew, repair_world):  # noqa: F811
    screen, ticket = repair_world
    response = _bench_token(crew.stations[WK.TEST]).post(
        f"/api/repairs/{ticket.pk}/fit/", {"part": screen.tag, "category": "battery"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "part_wrong_category"
    screen.refresh_from_db()
    assert screen.status == Part.Status.IN_STOCK


def test_shop_staff_read_parts_but_fit_nothing(site, crew, repair_world):  # noqa: F811
    screen, ticket = repair_world
    client = _client(crew.shop)
    assert client.get(f"/api/parts/{screen.tag}/").json()["origin"] == screen.origin.asset_tag
    response = client.post(
        f"/api/repairs/{ticket.pk}/fit/", {"part": screen.tag, "category": "screen"}, format="json"
    )
    assert response.status_code == 403
    screen.refresh_from_db()
    assert screen.status == Part.Status.IN_STOCK
