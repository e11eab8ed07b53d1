"""Every API error answers {code, message, fields}, in French by default and English on request."""

from __future__ import annotations

import io

import pytest
from django.test import RequestFactory, override_settings
from rest_framework import exceptions

from refurb.models import Device
from tests import factories
from workshop.api.errors import api_exception_handler
from workshop.middleware import RequestSizeLimitMiddleware
from workshop.tags import make_tag

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def _shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [FR, EN, {}], ids=["fr", "en", "default"])
def test_malformed_json_answers_malformed_json(client_as, bench_worker, headers):
    response = client_as(bench_worker).post(
        "/api/donors/", data='{"name": ', content_type="application/json", **headers
    )
    body = _shape(response, 400, "malformed_json")
    if headers is EN:
        assert body["message"].startswith("The request body is not valid JSON")


@pytest.mark.django_db
def test_unknown_fields_are_refused_and_named(client_as, bench_worker):
    response = client_as(bench_worker).post(
        "/api/donors/", {"kind": "person", "name": "Jean", "shoe_size": 42}, format="json", **EN
    )
    body = _shape(response, 400, "unknown_field")
    assert list(body["fields"]) == ["shoe_size"]
    assert "shoe_size" in body["message"]


@pytest.mark.django_db
def test_wrong_types_answer_invalid_with_the_field(client_as, bench_worker, site):
    response = client_as(bench_worker).post(
        "/api/devices/",
        {"site": "LY", "category": "laptop", "weight_kg": "heavy", "specs": [1, 2]},
        format="json",
        **EN,
    )
    body = _shape(response, 400, "invalid")
    assert set(body["fields"]) == {"weight_kg", "specs"}
    assert body["message"] == "Some fields are not valid: correct them and try again."


@pytest.mark.django_db
def test_a_domain_error_keeps_its_code_and_fields(client_as, coach, site):
    """A body the schema allows (14 digits) that a business rule refuses (the check digit, a
    person with a SIRET) answers 422, not 400: 400 is for a body that breaks the schema."""
    donor_response = client_as(coach).post(
        "/api/donors/", {"kind": "person", "name": "Jean", "siret": "12345678901234"}, **EN
    )
    body = _shape(donor_response, 422, "invalid")
    assert "siret" in body["fields"]


@pytest.mark.django_db
def test_an_unknown_tag_answers_404_not_found(client_as, bench_worker, site):
    tag = make_tag("LY", "", 99999)
    body = _shape(client_as(bench_worker).get(f"/api/devices/{tag}/", **EN), 404, "not_found")
    assert tag in body["message"]


@pytest.mark.django_db
def test_an_unknown_scan_answers_404_scan_unknown(client_as, bench_worker, site):
    tag = make_tag("LY", "", 99999)
    _shape(client_as(bench_worker).get(f"/api/scan/{tag}", **EN), 404, "scan_unknown")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/devices/{bad}/", "/api/scan/{bad}"])
@pytest.mark.parametrize("headers", [FR, EN], ids=["fr", "en"])
def test_a_bad_check_character_answers_422(client_as, bench_worker, laptop, path, headers):
    """A tag of the right shape whose check character is wrong: the request matches the
    schema, the content is refused (422), before any lookup."""
    good = laptop.asset_tag
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    body = _shape(
        client_as(bench_worker).get(path.format(bad=bad), **headers), 422, "tag_check_failed"
    )
    if headers is EN:
        assert "check character does not match" in body["message"]


@pytest.mark.django_db
def test_an_ambiguous_serial_answers_409(client_as, bench_worker, site):
    for _ in range(2):
        factories.make_device(site=site, serial_number="SAME-123")
    _shape(client_as(bench_worker).get("/api/scan/SAME-123"), 409, "serial_ambiguous")


@pytest.mark.django_db
def test_anonymous_answers_401(api):
    response = api.get("/api/devices/", **EN)
    _shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
def test_an_invalid_token_answers_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token nope")
    _shape(api.get("/api/devices/"), 401, "authentication_failed")


@pytest.mark.django_db
def test_a_forbidden_role_answers_403(client_as, shop_staff, drive):
    response = client_as(shop_staff).post(
        "/api/erasures/",
        {"drive": drive.tag, "method": "clear", "tool": "x", "result": "success", "verified": True},
    )
    _shape(response, 403, "permission_denied")


@pytest.mark.django_db
def test_an_unknown_method_answers_405(client_as, bench_worker, laptop):
    _shape(
        client_as(bench_worker).delete(f"/api/devices/{laptop.asset_tag}/"),
        405,
        "method_not_allowed",
    )


@pytest.mark.django_db
def test_a_refused_move_answers_409_with_the_domain_code(client_as, bench_worker, laptop):
    response = client_as(bench_worker).post(
        f"/api/devices/{laptop.asset_tag}/transitions/", {"to": "sold"}
    )
    _shape(response, 409, "move_not_allowed")


def test_throttling_answers_429_with_retry_after():
    response = api_exception_handler(exceptions.Throttled(wait=7), {})
    assert response.status_code == 429
    assert response.data["code"] == "throttled"
    assert response["Retry-After"] == "7"


@pytest.mark.django_db
@override_settings(ATELIER_MAX_REQUEST_BYTES=200)
def test_an_oversized_body_answers_413_and_creates_nothing(client_as, bench_worker, site):
    before = Device.objects.count()
    response = client_as(bench_worker).post(
        "/api/devices/",
        {"site": "LY", "category": "laptop", "model": "x" * 500},
        format="json",
        **EN,
    )
    _shape(response, 413, "request_too_large")
    assert Device.objects.count() == before


def _never_called(request):
    raise AssertionError("the view was reached")


@override_settings(ATELIER_MAX_REQUEST_BYTES=100)
def test_the_size_limit_answers_before_the_view_and_before_reading_the_body():
    request = RequestFactory().post(
        "/api/devices/", data="x" * 101, content_type="application/json"
    )
    response = RequestSizeLimitMiddleware(_never_called)(request)
    assert response.status_code == 413
    assert request._stream.read() == b"x" * 101  # nothing consumed it


def _chunked(path: str, payload: bytes):
    request = RequestFactory().post(path, data=b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META["wsgi.input"] = io.BytesIO(payload)
    return request


@override_settings(ATELIER_MAX_REQUEST_BYTES=100)
def test_a_chunked_body_past_the_limit_answers_413():
    response = RequestSizeLimitMiddleware(_never_called)(_chunked("/api/devices/", b"x" * 5000))
    assert response.status_code == 413


@override_settings(ATELIER_MAX_REQUEST_BYTES=100)
def test_a_small_chunked_body_reaches_the_view_whole():
    seen = {}

    def view(request):
        seen["body"] = request.body
        return "ok"

    assert RequestSizeLimitMiddleware(view)(_chunked("/api/devices/", b'{"a": 1}')) == "ok"
    assert seen["body"] == b'{"a": 1}'


@override_settings(
    ATELIER_MAX_REQUEST_BYTES=100, ATELIER_MAX_REQUEST_BYTES_BY_PATH={"/api/snapshots/": 1000}
)
def test_a_path_override_allows_larger_bodies_there_only():
    def ok(request):
        return "ok"

    big = "x" * 500
    factory = RequestFactory()
    snapshot = factory.post("/api/snapshots/", data=big, content_type="application/json")
    device = factory.post("/api/devices/", data=big, content_type="application/json")
    assert RequestSizeLimitMiddleware(ok)(snapshot) == "ok"
    assert RequestSizeLimitMiddleware(ok)(device).status_code == 413


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/devices/", "/api/collections/"])
@pytest.mark.parametrize("donor", ["-1.3391956158437557e+107", "99999999999999999999999", "1.5"])
def test_a_donor_id_out_of_range_answers_400_not_500(client_as, manager, path, donor):
    """Found by schemathesis: a huge number reached SQLite and raised OverflowError."""
    _shape(client_as(manager).get(path, {"donor": donor}), 400, "invalid")


@pytest.mark.django_db
def test_an_unrouted_api_path_answers_404_in_the_error_shape(client_as, manager):
    """Found by schemathesis: a tag with a dot matched no route and got Django's HTML 404."""
    response = client_as(manager).get("/api/sites/refurb.change_*/")
    assert response["Content-Type"] == "application/json"
    _shape(response, 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/devices/", "updated_before"),
        ("/api/devices/", "received_after"),
        ("/api/events/", "created_after"),
    ],
)
def test_a_date_time_with_an_exotic_utc_offset_is_answered_not_a_500(
    client_as, manager, path, name
):
    """Found by schemathesis on PostgreSQL, which refuses offsets past ±15:59 (DataError)."""
    response = client_as(manager).get(path, {name: "0212-10-22T09:40:00.609+16:32"})
    assert response.status_code in (200, 400), response.content
    response = client_as(manager).get(path, {name: "0001-01-01T00:00:00+10:00"})
    assert response.status_code in (200, 400), response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,body,field",
    [
        (
            "/api/destructions/",
            {"drive": "LY\x00D1", "method": "shredding", "witness": "C"},
            "drive",
        ),
        ("/api/erasures/", {"drive": "LYD0000018", "method": "clear", "tool": "nw\x00ipe"}, "tool"),
        ("/api/devices/", {"site": "L\x00Y", "category": "laptop"}, "site"),
    ],
    ids=["slug-lookup", "free-text", "site-code"],
)
def test_a_nul_character_in_any_text_answers_400_not_a_server_error(
    client_as, bench_worker, site, path, body, field
):
    # PostgreSQL refuses NUL in text, even in a lookup: found by schemathesis as a 500.
    response = client_as(bench_worker).post(path, body, format="json", **EN)
    fields = _shape(response, 400, "invalid")["fields"]
    assert field in fields
