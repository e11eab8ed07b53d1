"""Hostile input answers 400 in the error shape, never 500 (issue 16, hole 10).

On main: 100k-deep JSON raised RecursionError on /api/devices/, /api/snapshots/ and
/api/snapshots/erasures/; ``specs {"ram_gb": 1e400}`` and ``utc_offset: "+99:99"`` gave 500s;
on PostgreSQL ``\\u0000`` in JSON fields and ``GET /api/scan/%00``, ``/d/%00`` did too. Run
this file with ``DATABASE_URL=postgres://…`` as well (it is written for both databases).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from workshop.services import user_token_create

pytestmark = pytest.mark.django_db

DEEP = ("[" * 100_000 + "]" * 100_000).encode()
DEEP_OBJECT = ('{"a":' * 100_000 + "1" + "}" * 100_000).encode()


@pytest.fixture
def api(bench_worker, site):
    token = user_token_create(user=bench_worker)[1]
    return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")


def post(api, url, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return api.post(url, data=data, content_type="application/json")


def assert_400(response, status=400):
    assert response.status_code == status, response.content[:300]
    assert set(response.json()) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    "url,status",
    [("/api/devices/", 400), ("/api/snapshots/", 422), ("/api/snapshots/erasures/", 422)],
)
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_deeply_nested_json_is_refused_before_parsing(api, url, status, body):
    """A snapshot's schema is any object: well-formed JSON past the limits is content the
    workshop refuses (422); a typed body past them breaks its schema (400)."""
    assert_400(post(api, url, body), status)


@pytest.mark.parametrize(
    "raw",
    [
        '{"site": "LY", "category": "laptop", "specs": {"ram_gb": 1e400}}',
        '{"site": "LY", "category": "laptop", "specs": {"ram_gb": -1e400}}',
        '{"site": "LY", "category": "laptop", "specs": {"ram_gb": 1' + "0" * 50 + "}}",
        '{"site": "LY", "category": "laptop", "specs": {"ram_gb": NaN}}',
        '{"site": "LY", "category": "laptop", "specs": {"ram_gb": Infinity}}',
    ],
)
def test_numbers_out_of_range_are_refused(api, raw):
    assert_400(post(api, "/api/devices/", raw.encode()))


@pytest.mark.parametrize(
    "body,status",
    [
        ({"site": "LY", "category": "laptop", "make": "Dell\u0000"}, 400),
        # Inside a free-form object the schema says nothing of the texts: 422, not 400.
        ({"site": "LY", "category": "laptop", "specs": {"cpu": "i5\u0000"}}, 422),
        ({"site": "LY", "category": "laptop", "specs": {"c\u0000pu": "i5"}}, 422),
    ],
)
def test_nul_in_text_and_json_fields_is_refused(api, body, status):
    response = post(api, "/api/devices/", body)
    assert_400(response, status)
    assert set(response.json()["fields"]) & {"make", "specs"}


def test_nul_in_a_snapshot_is_refused(api):
    assert_400(post(api, "/api/snapshots/", {"asset_tag": "LY\u00000001", "lshw": {}}), 422)


def test_an_impossible_utc_offset_is_not_a_server_error(api, laptop):
    response = post(
        api,
        "/api/snapshots/erasures/",
        {"asset_tag": laptop.asset_tag, "records": [], "nwipe_log": "", "utc_offset": "+99:99"},
    )
    assert response.status_code < 500, response.content[:300]


@pytest.mark.parametrize(
    "path", ["/api/scan/%00", "/api/devices/?search=%00", "/api/scan/LY%000001"]
)
def test_nul_in_an_api_address_answers_400_in_the_error_shape(api, path):
    response = api.get(path)
    assert_400(response)
    assert response.json()["code"] == "nul_character"


@pytest.mark.parametrize("path", ["/d/%00", "/d/LY%000001", "/verify/%00"])
def test_nul_in_a_page_address_answers_400(path):
    assert Client().get(path).status_code == 400


def test_ordinary_json_still_goes_through(api):
    response = post(
        api,
        "/api/devices/",
        {"site": "LY", "category": "laptop", "specs": {"ram_gb": 8, "weight": 1.25, "n": -3}},
    )
    assert response.status_code == 201, response.content[:300]
