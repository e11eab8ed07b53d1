"""Clients posting to the snapshot endpoints with a user token."""

import json

import pytest
from django.test import Client

from workshop.services import user_token_create

SNAPSHOTS = "/api/snapshots/"
ERASURES = "/api/snapshots/erasures/"


@pytest.fixture
def token(bench_worker):
    return user_token_create(user=bench_worker)[1]


@pytest.fixture
def post(site, token):
    """POST a payload (dict, or raw bytes) with the bench worker's token; return the response."""
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")

    def send(payload, url=SNAPSHOTS, **extra):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return client.post(url, data=data, content_type="application/json", **extra)

    return send
