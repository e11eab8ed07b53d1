"""What the bench screens show from snapshots: failing drives, certificate links."""

import json

import pytest
from django.urls import reverse

from refurb.ingest import snapshot_ingest
from tests.refurb.snapshot_payloads import agent_payload
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


def test_the_test_bench_shows_a_drive_smart_says_is_failing(client, station, bench_worker, laptop):
    payload = agent_payload(
        smartctl=("smartctl_failing_wdc_wd3200bevt.json",), asset_tag=laptop.asset_tag
    )
    snapshot_ingest(
        payload=payload, raw=json.dumps(payload).encode(), workstation=None, actor=bench_worker
    )
    client.force_login(bench_worker)
    client.post(reverse("bench:workstation"), {"workstation": station(WK.TEST).pk})
    html = client.get(
        reverse("bench:device", args=[laptop.asset_tag]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'class="drive-failing"' in html
    # Certificates are for managers (tests/refurb/test_certificate_access.py): none offered here.
    assert reverse("refurb:certificate-device", args=[laptop.asset_tag]) not in html
