from bench.labels import bench_django
from labels.models import PrintJob
from refurb.models import Device, DeviceEvent


def test_bench_django_times_1_and_n_device_tags_and_leaves_nothing_behind(db):
    rows = bench_django(3)
    assert [row["count"] for row in rows] == [1, 3]
    assert all(row["seconds"] > 0 and row["pdf_bytes"] > 0 for row in rows)
    assert not Device.objects.exists() and not PrintJob.objects.exists()
    assert not DeviceEvent.objects.exists()
