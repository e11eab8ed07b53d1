"""API tokens are looked up once per process and TTL (issue 19), and refused at once when
revoked, deactivated or changed, in this process and in every other (``workshop.tokencache``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tests.subproc import ROOT
from workshop import tokencache
from workshop.models import UserToken, WorkstationKind, WorkstationToken
from workshop.roles import COACH
from workshop.services import user_token_create, workstation_token_create, workstation_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_stamp(tmp_path):
    """A stamp file of this test's own, and an empty cache before and after."""
    with override_settings(
        ATELIER_TOKEN_STAMP_FILE=str(tmp_path / "token-stamp"), ATELIER_TOKEN_CACHE_SECONDS=60
    ):
        tokencache._entries.clear()
        yield tmp_path / "token-stamp"
        tokencache._entries.clear()


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def token_queries(client, path="/api/sites/") -> tuple[int, int]:
    """(status, lookups of a token: SELECTs from a token table) of one GET."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return status, sum(
        q["sql"].startswith("SELECT")
        and "token" in q["sql"].split(" FROM ", 1)[-1].split(" WHERE ")[0]
        for q in queries
    )


def test_a_workstation_token_is_read_once_then_served_from_the_cache(station):
    _token, key = workstation_token_create(workstation=station(WorkstationKind.TEST))
    client = client_with(key)
    assert token_queries(client) == (200, 1)
    assert token_queries(client) == (200, 0)
    assert token_queries(client) == (200, 0)


def test_a_revoked_workstation_token_is_refused_at_once_in_the_same_process(station):
    token, key = workstation_token_create(workstation=station(WorkstationKind.TEST))
    client = client_with(key)
    assert token_queries(client) == (200, 1)
    workstation_token_revoke(token=token)
    response = client.get("/api/sites/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_token_of_a_deactivated_workstation_is_refused_at_once(station):
    workstation = station(WorkstationKind.TEST)
    _token, key = workstation_token_create(workstation=workstation)
    client = client_with(key)
    assert client.get("/api/sites/").status_code == 200
    workstation.is_active = False
    workstation.save()
    assert client.get("/api/sites/").status_code == 401


def test_a_user_token_revoked_in_the_admin_is_refused_at_once(bench_worker):
    token, key = user_token_create(user=bench_worker)
    client = client_with(key)
    assert token_queries(client) == (200, 1)
    assert token_queries(client) == (200, 0)
    token.revoked_at = timezone.now()
    token.save()  # what the admin's form does
    assert client.get("/api/sites/").status_code == 401


def test_a_deactivated_user_and_a_changed_role_are_seen_at_once(bench_worker):
    _token, key = user_token_create(user=bench_worker)
    client = client_with(key)
    assert client.get("/api/sites/").status_code == 200
    bench_worker.groups.add(Group.objects.get(name=COACH))
    assert token_queries(client) == (200, 1)  # read again: the roles changed
    bench_worker.is_active = False
    bench_worker.save()
    assert client.get("/api/sites/").status_code == 401


def test_an_expired_token_is_refused_even_when_cached(bench_worker):
    token, key = user_token_create(user=bench_worker)
    client = client_with(key)
    assert client.get("/api/sites/").status_code == 200
    cached = tokencache._entries[("user", token.digest)][2]
    cached.expires_at = timezone.now()
    assert client.get("/api/sites/").status_code == 401


def test_a_revoke_in_another_process_is_seen_at_once(station, own_stamp):
    """Another server process revokes the token: it writes the row and bumps the stamp file.
    This process still holds the token in its cache, and must refuse it on the next call."""
    token, key = workstation_token_create(workstation=station(WorkstationKind.TEST))
    client = client_with(key)
    assert token_queries(client) == (200, 1)
    # The other process's write, without this process's signals…
    WorkstationToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert ("workstation", token.digest) in tokencache._entries
    # …and its invalidation, in a real child process sharing only the stamp file.
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "workshop.settings",
        "ATELIER_TOKEN_STAMP_FILE": str(own_stamp),
    }
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from workshop.tokencache import token_cache_invalidate; token_cache_invalidate()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    assert ("workstation", token.digest) in tokencache._entries  # not cleared here…
    assert client.get("/api/sites/").status_code == 401  # …yet refused at once


def test_without_a_ttl_every_call_reads_the_token(station):
    _token, key = workstation_token_create(workstation=station(WorkstationKind.TEST))
    client = client_with(key)
    with override_settings(ATELIER_TOKEN_CACHE_SECONDS=0):
        assert token_queries(client) == (200, 1)
        assert token_queries(client) == (200, 1)


def test_a_cached_user_token_still_marks_its_use(bench_worker):
    token, key = user_token_create(user=bench_worker)
    client = client_with(key)
    assert client.get("/api/sites/").status_code == 200
    assert UserToken.objects.get(pk=token.pk).last_used_at is not None


def test_a_user_token_revoked_by_the_admin_action_is_refused_at_once(bench_worker, make_user):
    from django.urls import reverse

    manager = make_user(is_superuser=True, is_staff=True)
    admin = APIClient()
    admin.force_login(manager)
    token, key = user_token_create(user=bench_worker)
    client = client_with(key)
    assert token_queries(client) == (200, 1)
    assert token_queries(client) == (200, 0)  # cached: only the action can make it go
    admin.post(
        reverse("admin:workshop_usertoken_changelist"),
        {"action": "revoke_user_tokens", "_selected_action": [token.pk]},
        format="multipart",
    )
    assert UserToken.objects.get(pk=token.pk).revoked_at is not None
    assert client.get("/api/sites/").status_code == 401
