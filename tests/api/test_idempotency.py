"""POSTs with an Idempotency-Key run once; repeats get the first answer back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from refurb.models import Device, DeviceEvent
from workshop.models import IdempotencyKey

BODY = {"site": "LY", "category": "laptop", "make": "Dell", "model": "Latitude 5490"}


@pytest.mark.django_db
def test_a_replay_returns_the_first_answer_and_creates_nothing(client_as, bench_worker, site):
    client = client_as(bench_worker)
    first = client.post("/api/devices/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    counts = (Device.objects.count(), DeviceEvent.objects.count())
    again = client.post("/api/devices/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (Device.objects.count(), DeviceEvent.objects.count()) == counts


@pytest.mark.django_db
def test_the_same_key_with_another_body_answers_409_mismatch(client_as, bench_worker, site):
    client = client_as(bench_worker)
    client.post("/api/devices/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post(
        "/api/devices/", {**BODY, "make": "HP"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_mismatch"
    assert Device.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_sender(client_as, bench_worker, coach, site):
    client_as(bench_worker).post("/api/devices/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k")
    client_as(coach).post("/api/devices/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert Device.objects.count() == 2


@pytest.mark.django_db
def test_an_error_answer_is_replayed_too(client_as, bench_worker, laptop):
    client = client_as(bench_worker)
    path = f"/api/devices/{laptop.asset_tag}/transitions/"
    first = client.post(path, {"to": "sold"}, format="json", HTTP_IDEMPOTENCY_KEY="t")
    again = client.post(path, {"to": "sold"}, format="json", HTTP_IDEMPOTENCY_KEY="t")
    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()


@pytest.mark.django_db
def test_without_a_key_each_post_runs(client_as, bench_worker, site):
    client = client_as(bench_worker)
    client.post("/api/devices/", BODY, format="json")
    client.post("/api/devices/", BODY, format="json")
    assert Device.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_purge_deletes_only_old_keys():
    old = IdempotencyKey.objects.create(
        key="old", principal="user:1", method="POST", path="/", fingerprint="0" * 64, status=201
    )
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    IdempotencyKey.objects.create(
        key="new", principal="user:1", method="POST", path="/", fingerprint="0" * 64, status=201
    )
    call_command("purge_idempotency_keys", "--older-than-hours", "48")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_run_once(make_user, site):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises writers)")
    from workshop import roles
    from workshop.services import user_token_create

    user = make_user(roles.BENCH_WORKER, username="racer")
    key = user_token_create(user=user)[1]
    barrier = threading.Barrier(4)
    answers = []

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        barrier.wait()
        try:
            response = client.post(
                "/api/devices/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="race"
            )
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Device.objects.count() == 1
    created = [body for status, body in answers if status == 201]
    waiting = [body for status, body in answers if status == 409]
    assert len(created) + len(waiting) == 4
    assert created and all(body == created[0] for body in created)
    assert all(body["code"] == "idempotency_in_progress" for body in waiting)
