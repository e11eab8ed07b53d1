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


def test_a_devices_history_is_read_at_its_own_site_only(client, site, bench_worker, make_user):
    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    theirs = factories.make_device(
        site=other, actor=make_user("bench_worker", username="se-bench", site=other)
    )
    ours = factories.make_device(site=site, actor=bench_worker)
    client.force_login(bench_worker)
    refused = client.get(
        reverse("reports:device_history", args=[theirs.asset_tag]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 403
    assert "its history is read at that site" in refused.content.decode()
    assert "se-bench" not in refused.content.decode()
    shown = client.get(reverse("reports:device_history", args=[ours.asset_tag]))
    assert shown.status_code == 200
    # A manager with no site (the network's) reads every site's histories.
    network = make_user("manager", username="network")
    client.force_login(network)
    assert client.get(reverse("reports:device_history", args=[theirs.asset_tag])).status_code == 200
