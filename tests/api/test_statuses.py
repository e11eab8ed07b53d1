"""What each error status means, the same on every operation (docs/api.md, "Statuses").

400: the request does not match the schema. 422: it matches, and what it says is refused (a
row it names that does not exist, a business rule). 409: the state of things, a duplicate.
Found by schemathesis ``--checks all`` (``positive_data_acceptance``): business refusals of
schema-valid requests answered 400, so the schema and the API disagreed.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from django.test import RequestFactory
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions

from workshop.api.errors import api_exception_handler
from workshop.api.schema import NOT_BLANK, TEXT

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _erasure(drive_tag, **extra):
    return {
        "drive": drive_tag,
        "method": "clear",
        "tool": "nwipe",
        "result": "success",
        "verified": True,
        **extra,
    }


@pytest.mark.django_db
def test_a_body_naming_a_row_that_does_not_exist_answers_422_naming_the_field(
    client_as, bench_worker, drive
):
    response = client_as(bench_worker).post(
        "/api/erasures/", _erasure("LYD9999999"), format="json", **EN
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"drive"}
    assert not drive.erasures.exists()


@pytest.mark.django_db
def test_a_body_that_also_breaks_the_schema_answers_400(client_as, bench_worker, drive):
    response = client_as(bench_worker).post(
        "/api/erasures/", _erasure("LYD9999999", passes="many"), format="json", **EN
    )
    assert response.status_code == 400, response.content
    assert set(response.json()["fields"]) == {"drive", "passes"}


@pytest.mark.django_db
def test_a_service_refusal_of_a_well_formed_body_answers_422(client_as, coach, site):
    response = client_as(coach).post(
        "/api/donors/", {"kind": "company", "name": "X", "siret": "12345678901234"}, **EN
    )
    assert response.status_code == 422, response.content
    assert "siret" in response.json()["fields"]


@pytest.mark.django_db
def test_malformed_json_and_a_nul_character_stay_400(client_as, bench_worker):
    client = client_as(bench_worker)
    broken = client.post("/api/snapshots/", b"{", content_type="application/json")
    assert (broken.status_code, broken.json()["code"]) == (400, "malformed_json")
    nul = client.post(
        "/api/drives/", '{"device": "LY\\u00000001"}', content_type="application/json"
    )
    assert nul.status_code == 400, nul.content


def test_a_duplicate_answers_409_duplicate():
    request = RequestFactory().post("/api/sites/")
    error = exceptions.ValidationError({"code": [exceptions.ErrorDetail("taken", code="unique")]})
    response = api_exception_handler(error, {"request": request})
    assert response.status_code == 409
    assert response.data["code"] == "duplicate" and set(response.data["fields"]) == {"code"}


def test_every_operation_declares_400_401_403_422_429_and_503(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            declared = set(operation["responses"])
            assert {"400", "401", "403", "422", "429", "503"} <= declared, (method, path)
            if method == "post":
                assert {"404", "409", "413"} <= declared, (method, path)


def test_request_bodies_are_json_and_every_free_text_refuses_nul(schema):
    texts = 0
    for name, component in schema["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for field, prop in (component.get("properties") or {}).items():
            if prop.get("type") == "string" and not {"enum", "format"} & set(prop):
                texts += 1
                assert "pattern" in prop, (name, field)
                if prop["pattern"] in (TEXT, NOT_BLANK):
                    assert re.search(prop["pattern"], "a\x00b") is None
    assert texts > 50
    for item in schema["paths"].values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            assert set(content) <= {"application/json"} or "application/json" not in content


def test_a_text_that_may_not_be_blank_needs_a_character_that_is_not_white_space():
    assert re.search(NOT_BLANK, "LY0000017")
    assert re.search(NOT_BLANK, " a ")
    for blank in ("", " ", "\u0085", "\t\n", "\x1c", "\u3000", "\xa0"):
        assert re.search(NOT_BLANK, blank) is None
    assert re.search(TEXT, "") and re.search(TEXT, "\x00") is None


def test_an_amount_has_digits_and_no_sign_when_it_cannot_be_negative(schema):
    parts = schema["components"]["schemas"]["ShipmentPartsRequest"]["properties"]["weight_kg"]
    assert re.search(parts["pattern"], "12.5")
    for refused in ("", ".", "-1", "1.2345"):
        assert re.search(parts["pattern"], refused) is None


def test_schemathesis_accepts_404_409_and_422_for_valid_data_but_never_400():
    config = tomllib.loads((ROOT / "schemathesis.toml").read_text())
    statuses = config["checks"]["positive_data_acceptance"]["expected-statuses"]
    assert {"404", "409", "422"} <= set(statuses)
    assert "400" not in statuses and "4xx" not in statuses
