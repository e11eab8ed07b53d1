"""Every move from a workstation (hole 6 of issue 15): no move from nowhere."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from demo.walks import device_advance
from refurb.models import Device
from refurb.services import device_transition, device_write_off
from refurb.states import State
from workshop.exceptions import DomainError
from workshop.services import office_workstation, user_token_create


@pytest.mark.django_db
def test_putting_on_sale_from_nowhere_is_refused_for_a_session_and_a_user_token(
    laptop, crew, client_as
):
    device_advance(laptop, State.GRADED, crew)
    path = f"/api/devices/{laptop.asset_tag}/transitions/"
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {user_token_create(user=crew.shop)[1]}")
    for client in (client_as(crew.shop), token):
        response = client.post(path, {"to": "on_sale"}, format="json")
        assert (response.status_code, response.json()["code"]) == (403, "workstation_required")
    assert Device.objects.get(pk=laptop.pk).state == State.GRADED
    response = client_as(crew.shop, crew.stations["shop"]).post(
        path, {"to": "on_sale"}, format="json"
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_a_service_call_without_a_workstation_is_refused(laptop, crew):
    device_advance(laptop, State.GRADED, crew)
    with pytest.raises(DomainError) as caught:
        device_transition(device=laptop, to=State.ON_SALE, actor=crew.shop)
    assert (caught.value.code, caught.value.status) == ("workstation_required", 403)


@pytest.mark.django_db
def test_a_manager_moves_from_the_sites_office_and_others_may_not(laptop, crew, site):
    office = office_workstation(site)
    assert office.kind == "office"
    with pytest.raises(DomainError) as caught:
        device_write_off(device=laptop, actor=crew.coach, reason="x", workstation=office)
    assert caught.value.code == "role_forbidden"
    device_write_off(device=laptop, actor=crew.manager, reason="lost", workstation=office)
    assert laptop.state == State.WRITTEN_OFF
    with pytest.raises(DomainError) as at_office:
        device_transition(
            device=laptop, to=State.RECEIVED, actor=crew.bench, reason="found", workstation=office
        )
    assert at_office.value.code == "role_forbidden"
