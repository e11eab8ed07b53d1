"""Hashed, expiring user tokens and API throttling (issue 16, hole 9).

On main, user API tokens were Django REST framework's: stored in clear, never expiring, and
nothing limited how fast a token or the snapshot endpoints could be called.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from workshop.models import UserToken
from workshop.services import token_digest, user_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_a_user_token_is_stored_as_a_digest_and_works(bench_worker):
    token, key = user_token_create(user=bench_worker)
    row = UserToken.objects.values().get(pk=token.pk)
    assert key not in {str(value) for value in row.values()}
    assert row["digest"] == token_digest(key) and key.startswith(row["prefix"])
    assert client_with(key).get("/api/sites/").status_code == 200


def test_a_user_token_expires(bench_worker):
    token, key = user_token_create(user=bench_worker, days=1)
    UserToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_with(key).get("/api/sites/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_user_token_is_refused(bench_worker):
    token, key = user_token_create(user=bench_worker)
    UserToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client_with(key).get("/api/sites/").status_code == 401


def test_a_clear_text_rest_framework_token_is_no_longer_accepted(bench_worker):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=bench_worker).key
    assert client_with(key).get("/api/sites/").status_code == 401


def test_the_command_prints_the_key_once(bench_worker):
    out, err = StringIO(), StringIO()
    call_command("create_user_token", bench_worker.username, "--days", "7", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("ut_") and key not in err.getvalue()
    token = UserToken.objects.get(digest=token_digest(key))
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)


@override_settings(ATELIER_THROTTLE_RATES={"token": "3/minute", "snapshots": None})
def test_a_token_past_its_rate_is_throttled(bench_worker):
    _token, key = user_token_create(user=bench_worker)
    client = client_with(key)
    assert [client.get("/api/sites/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/sites/")
    assert response.status_code == 429
    assert set(response.json()) == {"code", "message", "fields"}
    assert response.json()["code"] == "throttled" and "Retry-After" in response


@override_settings(ATELIER_THROTTLE_RATES={"token": None, "snapshots": "2/minute"})
def test_the_snapshot_endpoints_are_throttled(bench_worker, site):
    _token, key = user_token_create(user=bench_worker)
    client = client_with(key)
    statuses = [
        client.post("/api/snapshots/", b"{}", content_type="application/json").status_code
        for _ in range(3)
    ]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
