"""Workstation tokens are shown once, revocable at once, and record their last use (no API)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions

from workshop.api.auth import LAST_USED_RESOLUTION, AtelierTokenAuthentication
from workshop.models import WorkstationKind, WorkstationToken
from workshop.services import TOKEN_PREFIX, workstation_token_create, workstation_token_revoke
from workshop.tokencache import token_cache_invalidate

pytestmark = pytest.mark.django_db


def authenticate(key: str):
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")
    return AtelierTokenAuthentication().authenticate(request)


def test_a_revoked_token_no_longer_authenticates(station):
    token, key = workstation_token_create(workstation=station(WorkstationKind.TEST))
    assert authenticate(key)[1] == token
    workstation_token_revoke(token=token)
    with pytest.raises(exceptions.AuthenticationFailed):
        authenticate(key)


def test_revoking_twice_keeps_the_first_revocation_time(station):
    token, _key = workstation_token_create(workstation=station(WorkstationKind.TEST))
    first = timezone.now() - timedelta(days=1)
    workstation_token_revoke(token=token, now=first)
    workstation_token_revoke(token=token)
    token.refresh_from_db()
    assert token.revoked_at == first


def test_last_used_is_written_at_most_once_per_resolution(station):
    token, key = workstation_token_create(workstation=station(WorkstationKind.TEST))
    authenticate(key)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    authenticate(key)
    token.refresh_from_db()
    assert token.last_used_at == first
    WorkstationToken.objects.filter(pk=token.pk).update(
        last_used_at=first - LAST_USED_RESOLUTION * 2
    )
    # The row changed behind the per-process token cache's back (an update sends no signal):
    # forget the cached copy, as the cache does after its TTL or on a revoke.
    token_cache_invalidate()
    authenticate(key)
    token.refresh_from_db()
    assert token.last_used_at > first - LAST_USED_RESOLUTION


def test_the_admin_action_shows_the_key_once_and_never_again(client, make_user, station):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    erasure = station(WorkstationKind.ERASURE)
    response = client.post(
        reverse("admin:workshop_workstation_changelist"),
        {"action": "create_token", "_selected_action": [erasure.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    keys = re.findall(rf"{TOKEN_PREFIX}[A-Za-z0-9_\-]{{20,}}", response.content.decode())
    assert len(set(keys)) == 1
    key = keys[0]
    token = WorkstationToken.objects.get(workstation=erasure)
    assert authenticate(key)[1] == token
    for url in (
        reverse("admin:workshop_workstationtoken_changelist"),
        reverse("admin:workshop_workstationtoken_change", args=[token.pk]),
        reverse("admin:workshop_workstation_changelist"),
    ):
        assert key not in client.get(url).content.decode()
