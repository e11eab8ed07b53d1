"""The device history page says who made each event: a person, a bench's agent or the system."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from refurb.models import DeviceEvent
from tests import factories
from workshop.models import WorkstationKind as WK
from workshop.services import workstation_token_create

pytestmark = pytest.mark.django_db


def test_an_agents_event_reads_as_the_workstations_agent(client, site, bench_worker, manager):
    laptop = factories.make_device(site=site, actor=bench_worker)
    station = factories.WorkstationFactory(site=site, kind=WK.ERASURE, name="Effacement 9")
    _token, key = workstation_token_create(workstation=station)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    answer = api.post("/api/drives/", {"device": laptop.asset_tag, "kind": "ssd"}, format="json")
    assert answer.status_code == 201, answer.content
    event = DeviceEvent.objects.get(device=laptop, code="drive_added")
    assert (event.actor_id, event.actor_kind) == (None, "agent")
    client.force_login(manager)
    page = client.get(reverse("reports:device_history", args=[laptop.asset_tag])).content.decode()
    assert "l’agent du poste" in page
    assert bench_worker.get_username() in page or bench_worker.get_full_name() in page
