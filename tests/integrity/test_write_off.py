"""Writing off is a service-only move with a proof (issue 15, item 1): ``device_write_off``.

The ``written_off`` move needs the ``WriteOff`` row written in its transaction; a client (API,
device card) asking for it goes to the same service, which is a manager's, with a reason.
"""

from __future__ import annotations

import pytest

from refurb.models import DeviceEvent, WriteOff
from refurb.services import device_transition, device_write_off
from refurb.states import State
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db


def test_a_written_off_move_without_its_proof_is_refused(laptop, crew):
    with pytest.raises(DomainError) as caught:
        device_transition(
            device=laptop,
            to=State.WRITTEN_OFF,
            actor=crew.manager,
            workstation=crew.stations["stock"],
            reason="lost",
        )
    assert (caught.value.code, caught.value.status) == ("service_only", 409)
    laptop.refresh_from_db()
    assert laptop.state == State.RECEIVED
    assert not WriteOff.objects.exists()


def test_the_write_off_service_writes_its_row_and_the_move_it_proves(laptop, crew):
    event = device_write_off(
        device=laptop, actor=crew.manager, workstation=crew.stations["stock"], reason="volé"
    )
    write_off = WriteOff.objects.get()
    assert (write_off.device, write_off.from_state, write_off.reason, write_off.actor) == (
        laptop,
        State.RECEIVED,
        "volé",
        crew.manager,
    )
    assert (event.to_state, event.reason, event.payload["write_off"]) == (
        State.WRITTEN_OFF,
        "volé",
        write_off.pk,
    )
    assert laptop.state == State.WRITTEN_OFF


@pytest.mark.parametrize(
    "who, reason, code",
    [
        ("coach", "lost", "role_forbidden"),
        ("bench", "lost", "role_forbidden"),
        ("manager", " ", "reason_required"),
    ],
)
def test_a_write_off_by_anyone_but_a_manager_or_without_a_reason_writes_nothing(
    laptop, crew, who, reason, code
):
    with pytest.raises(DomainError) as caught:
        device_write_off(
            device=laptop,
            actor=getattr(crew, who),
            workstation=crew.stations["stock"],
            reason=reason,
        )
    assert caught.value.code == code
    assert not WriteOff.objects.exists()
    assert DeviceEvent.objects.filter(device=laptop).count() == 1


def test_a_refused_move_leaves_no_write_off_row(laptop, crew):
    device_write_off(
        device=laptop, actor=crew.manager, workstation=crew.stations["stock"], reason="lost"
    )
    with pytest.raises(DomainError) as caught:
        device_write_off(
            device=laptop, actor=crew.manager, workstation=crew.stations["stock"], reason="again"
        )
    assert caught.value.code == "move_not_allowed"
    assert WriteOff.objects.count() == 1


def test_the_api_refuses_a_write_off_by_a_coach_and_writes_nothing(laptop, crew, client_as):
    response = client_as(crew.coach, crew.stations["stock"]).post(
        f"/api/devices/{laptop.asset_tag}/transitions/",
        {"to": "written_off", "reason": "lost"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "role_forbidden")
    assert not WriteOff.objects.exists()


def test_the_api_write_off_goes_through_the_service(laptop, crew, client_as):
    client = client_as(crew.manager, crew.stations["stock"])
    url = f"/api/devices/{laptop.asset_tag}/transitions/"
    refused = client.post(url, {"to": "written_off", "reason": ""}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "reason_required")
    extra = client.post(
        url, {"to": "written_off", "reason": "lost", "payload": {"grade": "A"}}, format="json"
    )
    assert extra.status_code == 422 and "grade" in extra.json()["fields"]
    assert not WriteOff.objects.exists()
    response = client.post(url, {"to": "written_off", "reason": "lost"}, format="json")
    assert response.status_code == 200, response.content
    assert WriteOff.objects.get().device == laptop
    laptop.refresh_from_db()
    assert laptop.state == State.WRITTEN_OFF


def test_the_device_card_writes_off_through_the_service(laptop, crew, client):
    from django.urls import reverse

    client.force_login(crew.manager)
    client.post(reverse("bench:workstation"), {"workstation": crew.stations["stock"].pk})
    client.post(
        reverse("bench:transition", args=[laptop.asset_tag]),
        {"to": "written_off", "reason": "introuvable"},
    )
    laptop.refresh_from_db()
    assert laptop.state == State.WRITTEN_OFF
    assert WriteOff.objects.get().reason == "introuvable"


def test_the_database_refuses_to_change_a_write_off(laptop, crew):
    from django.db import DatabaseError, connection, transaction

    device_write_off(
        device=laptop, actor=crew.manager, workstation=crew.stations["stock"], reason="lost"
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE refurb_writeoff SET reason = %s", ["found, in fact"])
    assert WriteOff.objects.get().reason == "lost"
