"""Every date-time the API reads or writes goes through one field (``workshop.api.fields``).

Found by schemathesis (``--checks all``): an erasure dated in year 30 was stored, then written
with Paris's local mean time offset (``+00:09:21``), which no RFC 3339 client can read. A
date-time before 1900 or after 2100, or with an offset that is not whole minutes, now answers
400 with a translated message naming the field; a stored moment whose Paris offset has seconds
(before 1911) is written in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import models
from rest_framework import serializers

from refurb.api.serializers import ErasureCreateSerializer, ErasureSerializer
from workshop.api.fields import AtelierDateTimeField, check_moment

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _erasure(drive, **extra):
    return {
        "drive": drive.tag,
        "method": "clear",
        "tool": "nwipe",
        "result": "success",
        "verified": True,
        **extra,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "message"),
    [
        ("0030-01-01T00:00:00Z", "out of range"),
        ("1899-12-31T23:59:59Z", "out of range"),
        ("2101-01-01T00:00:00Z", "out of range"),
        ("9999-12-31T23:59:59+00:00", "out of range"),
        ("2026-03-01T10:00:00+00:09:21", "whole minutes"),
        ("2026-03-01T10:00:00+01:00:30", "whole minutes"),
    ],
)
def test_a_date_time_out_of_range_or_with_seconds_in_its_offset_answers_400(
    client_as, bench_worker, drive, moment, message
):
    response = client_as(bench_worker).post(
        "/api/erasures/", _erasure(drive, started_at=moment), format="json", **EN
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"started_at"}
    assert message in body["fields"]["started_at"][0]
    assert not drive.erasures.exists()


@pytest.mark.django_db
def test_the_refusal_is_in_french_by_default(client_as, bench_worker, drive):
    response = client_as(bench_worker).post(
        "/api/erasures/", _erasure(drive, finished_at="0030-01-01T00:00:00Z"), format="json"
    )
    assert response.status_code == 400
    text = response.json()["fields"]["finished_at"][0]
    assert "1900" in text and "2100" in text
    assert "out of range" not in text


@pytest.mark.django_db
def test_the_bounds_themselves_are_accepted(client_as, bench_worker, drive):
    response = client_as(bench_worker).post(
        "/api/erasures/",
        _erasure(
            drive,
            started_at="1900-01-01T00:00:00Z",
            finished_at="2100-12-31T23:59:00+00:00",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # Paris was at +00:09:21 until 1911: the same instant is written in UTC.
    assert body["started_at"] == "1900-01-01T00:00:00Z"
    assert body["finished_at"] == "2101-01-01T00:59:00+01:00"


def test_check_moment_accepts_whole_minute_offsets_and_naive_values_in_range():
    assert check_moment(datetime.fromisoformat("2026-03-01T10:00:00+05:45")) is None
    assert check_moment(datetime(2026, 3, 1, 10, 0)) is None  # the server's time zone
    assert check_moment(datetime(1, 1, 1, 0, 0)) is not None  # no OverflowError either
    assert check_moment(datetime(1899, 12, 31, 23, 0, tzinfo=UTC)) is not None


def test_every_serializer_date_time_is_the_shared_field():
    """Declared fields and the ones a ModelSerializer builds from a model alike."""
    assert isinstance(ErasureCreateSerializer().fields["started_at"], AtelierDateTimeField)
    assert isinstance(ErasureSerializer().fields["created_at"], AtelierDateTimeField)
    mapping = serializers.ModelSerializer.serializer_field_mapping
    assert mapping[models.DateTimeField] is AtelierDateTimeField


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"received_after": "0030-01-01T00:00:00Z"},
        {"received_before": "2026-01-01T00:00:00+00:09:21"},
        {"updated_after": "9999-12-31T23:59:59-23:59"},
    ],
)
def test_a_list_filter_bound_follows_the_same_rule(client_as, manager, query):
    response = client_as(manager).get("/api/devices/", query, **EN)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert len(body["fields"]) == 1
    assert next(iter(body["fields"].values()))[0].startswith(
        ("This date-time is out of range", "The time-zone offset")
    )


def test_the_schema_declares_the_rule_for_requests_only():
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]
    started = components["schemas"]["ErasureCreateRequest"]["properties"]["started_at"]
    assert started["format"] == "date-time"
    assert "1900" in started["description"] and "whole minutes" in started["description"]
    assert started["pattern"].startswith("^(19")
    answer = components["schemas"]["Erasure"]["properties"]["started_at"]
    assert answer["format"] == "date-time" and "pattern" not in answer
