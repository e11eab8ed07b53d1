"""The OpenAPI schema says what the API really answers: nullable fields are declared nullable.

Found by schemathesis (``--checks all``, response_schema_conformance): a device registered
without a collection or location answered ``"collection": null`` where the schema promised a
string, and what a workstation token records has no user (``operator``/``actor`` null).
"""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

NULLABLE = [
    ("Device", "collection"),
    ("Device", "location"),
    ("Device", "donor"),
    ("Device", "grade"),
    ("DeviceDetail", "collection"),
    ("DeviceDetail", "location"),
    ("DeviceDetail", "donor"),
    ("Event", "actor"),
    ("Erasure", "operator"),
    ("Destruction", "operator"),
    ("TestResult", "operator"),
    ("Collection", "donor_name"),
]


@pytest.fixture(scope="module")
def components():
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


@pytest.mark.parametrize(("component", "field"), NULLABLE, ids=[".".join(n) for n in NULLABLE])
def test_a_field_that_can_be_null_is_declared_nullable(components, component, field):
    assert components[component]["properties"][field].get("nullable") is True


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["null", "0", "-3", "1.5", ""])
def test_a_page_size_that_is_not_a_whole_number_from_1_answers_400(client_as, manager, value):
    response = client_as(manager).get("/api/drives/", {"page_size": value})
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {"page_size": [response.json()["fields"]["page_size"][0]]}


@pytest.mark.django_db
def test_a_page_size_above_the_maximum_is_capped(client_as, manager):
    assert client_as(manager).get("/api/drives/", {"page_size": "5000"}).status_code == 200


def test_the_schema_declares_page_size_from_1():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = schema["paths"]["/api/drives/"]["get"]["parameters"]
    (page_size,) = [p for p in parameters if p["name"] == "page_size"]
    assert page_size["schema"] == {"type": "integer", "minimum": 1}


@pytest.mark.django_db
def test_too_many_form_fields_answers_400_in_the_error_shape(client_as, manager, settings):
    """Found by schemathesis: Django's TooManyFieldsSent answered an HTML 400 under /api/."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = "&".join(f"f{i}=x" for i in range(10))
    response = client_as(manager).post(
        "/api/print-jobs/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "bad_request"


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_an_unrouted_api_path_answers_json_even_with_debug(client_as, manager, settings, debug):
    """Found by schemathesis on ``make run``: with DEBUG=1 /api/destructions/0.5/ got HTML."""
    settings.DEBUG = debug
    response = client_as(manager).get("/api/destructions/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_an_error_inside_a_list_gets_a_dotted_field_name(client_as, manager):
    """Found by schemathesis: ``{"fields": {"codes": {"0": [...]}}}`` broke the error schema."""
    response = client_as(manager).post(
        "/api/print-jobs/",
        {"template": "device_tag", "codes": ["0" * 41], "printer": "x"},
        format="json",
    )
    assert response.status_code == 400, response.content
    fields = response.json()["fields"]
    assert "codes.0" in fields
    assert all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in fields.values()
    ), fields


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/erasures/", "verified=null"),
        ("/api/drives/", "failing=maybe"),
        ("/api/locations/", "is_active=2"),
        ("/api/test-results/", "passed="),
        ("/api/donors/", "kind="),
    ],
)
def test_a_filter_value_the_schema_does_not_allow_answers_400(client_as, manager, path, query):
    """Found by schemathesis (negative_data_rejection): django-filter ignored these values."""
    response = client_as(manager).get(f"{path}?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [query.split("=")[0]]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["true", "false", "True"])
def test_a_boolean_filter_still_reads_true_and_false(client_as, manager, value):
    assert client_as(manager).get("/api/erasures/", {"verified": value}).status_code == 200
