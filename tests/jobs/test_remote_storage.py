"""Media on S3-compatible storage through django-storages, against a real S3 server on loopback.

The server is moto's (``moto[server]``: an S3-compatible HTTP server) started as a child
process on a free port: boto3 and django-storages talk HTTP to it exactly as to a network's
MinIO or S3, nothing in boto is replaced. An export job writes its file there and any web
process serves it back (docs/operations.md, "A network of workshops").
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.audit_export import archive_verify
from reports.exports import AUDIT, export_start
from tests import factories
from workshop import roles
from workshop.models import Job, WorkerProfile

boto3 = pytest.importorskip("boto3")
pytest.importorskip("moto.server")

pytestmark = pytest.mark.django_db

BUCKET = "atelier-media"
KEYS = {"access_key": "atelier-test", "secret_key": "atelier-test-secret"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"moto server exited: {process.stderr.read().decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise AssertionError("the S3 server did not start")
    client = boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    yield url, client
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def s3_media(settings, s3_server):
    url, client = s3_server
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": url,
                "region_name": "us-east-1",
                "file_overwrite": False,
                **KEYS,
            },
        },
    }
    return client


def test_an_export_is_kept_on_s3_and_served_back_by_the_web(client, site, make_user, s3_media):
    from django.core.files.storage import default_storage

    manager = make_user(roles.MANAGER, username="s3-manager")
    WorkerProfile.objects.update_or_create(user=manager, defaults={"site": site})
    factories.make_device(site=site, actor=manager)
    today = timezone.localdate()
    job = export_start(
        AUDIT, actor=manager, site=site, date_from=date(today.year, 1, 1), date_to=today
    )
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.shown_message
    key = job.result["file"]
    assert key.startswith(f"exports/{job.pk}/audit-{site.code}-")
    # The object is in the bucket, read with another client than the storage's.
    stored = s3_media.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert archive_verify(stored) == []
    assert type(default_storage._wrapped).__name__ == "S3Storage"

    client.force_login(manager)
    response = client.get(reverse("bench:job-file", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored


def test_two_exports_of_the_same_name_never_overwrite_each_other(site, make_user, s3_media):
    manager = make_user(roles.MANAGER, username="s3-manager-2")
    WorkerProfile.objects.update_or_create(user=manager, defaults={"site": site})
    today = timezone.localdate()
    first = export_start(AUDIT, actor=manager, site=site, date_from=today, date_to=today)
    second = export_start(AUDIT, actor=manager, site=site, date_from=today, date_to=today)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.result["file"] != second.result["file"]
    listed = s3_media.list_objects_v2(Bucket=BUCKET, Prefix="exports/")["Contents"]
    assert {first.result["file"], second.result["file"]} <= {row["Key"] for row in listed}
