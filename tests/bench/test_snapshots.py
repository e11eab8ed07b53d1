"""The ingestion benchmark runs end to end on a few snapshots (timings are not asserted)."""

import pytest

from bench.snapshots import ingest_many
from refurb.models import Device, Snapshot
from tests.refurb.parsers.samples import sample_path


@pytest.mark.django_db
def test_ingest_many_ingests_distinct_snapshots_through_service_and_endpoint(settings):
    sample_path("hw", "lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json")
    settings.ALLOWED_HOSTS = ["localhost"]
    results = ingest_many(3)
    assert results["service"]["count"] == results["client"]["count"] == 3
    assert Snapshot.objects.count() == 6
    assert Device.objects.count() == 6
