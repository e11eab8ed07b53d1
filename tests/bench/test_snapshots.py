"""The ingestion benchmark runs end to end on a few snapshots (timings are not asserted)."""

import pytest

from bench.snapshots import ingest_many
from refurb.models import Device, Snapshot


@pytest.mark.django_db
def test_ingest_many_ingests_distinct_snapshots_through_service_and_endpoint(settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    results = ingest_many(3)
    assert results["service"]["count"] == results["client"]["count"] == 3
    assert Snapshot.objects.count() == 6
    assert Device.objects.count() == 6
