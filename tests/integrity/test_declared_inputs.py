"""Declared payloads: a move takes only the input fields it declares (hole 1 of issue 15)."""

from __future__ import annotations

import pytest

from demo.walks import device_advance, device_make_safe
from refurb.events import event_append, event_payload_check
from refurb.models import Device, DeviceEvent
from refurb.states import State
from refurb.transitions import MOVES


@pytest.mark.django_db
def test_the_api_refuses_a_field_the_move_does_not_declare(laptop, crew, client_as):
    device_make_safe(laptop, crew, now=laptop.received_at)
    before = DeviceEvent.objects.filter(device=laptop).count()
    response = client_as(crew.bench).post(
        f"/api/devices/{laptop.asset_tag}/transitions/",
        {"to": "wiped", "payload": {"invoice": "LY-2026-000001", "grade": "A"}},
        format="json",
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"invoice", "grade"}
    assert Device.objects.get(pk=laptop.pk).state == State.RECEIVED
    assert DeviceEvent.objects.filter(device=laptop).count() == before


@pytest.mark.django_db
def test_grading_through_the_api_takes_its_declared_grade(laptop, crew, client_as):
    device_advance(laptop, State.TESTED, crew)
    client = client_as(crew.bench, crew.stations["grading"])
    response = client.post(
        f"/api/devices/{laptop.asset_tag}/transitions/",
        {"to": "graded", "payload": {"grade": "A", "note": "x"}},
        format="json",
    )
    assert (response.status_code, set(response.json()["fields"])) == (422, {"note"})
    response = client.post(
        f"/api/devices/{laptop.asset_tag}/transitions/",
        {"to": "graded", "payload": {"grade": "A"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert Device.objects.get(pk=laptop.pk).grade.code == "A"


def test_only_grading_declares_an_input():
    assert {(m.source, m.target) for m in MOVES if m.inputs} == {(State.TESTED, State.GRADED)}


def test_an_undeclared_transition_payload_field_never_reaches_the_chain():
    with pytest.raises(ValueError):
        event_payload_check("transition", {"free_form": 1})
    with pytest.raises(ValueError):
        event_payload_check("transition", {"invoice": 12})
    event_payload_check("transition", {"invoice": "LY-2026-000001", "grade": "B"})


@pytest.mark.django_db
def test_event_append_validates_before_hashing(laptop):
    head = Device.objects.get(pk=laptop.pk).event_head
    with pytest.raises(ValueError):
        event_append(device=laptop, code="transition", payload={"anything": "x"})
    assert Device.objects.get(pk=laptop.pk).event_head == head
