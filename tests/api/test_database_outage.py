"""A lost database answers 503 ``database_unavailable`` from real API endpoints, never a 500."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError, connection

from tests.subproc import child_env, run_python
from tests.workshop.test_database_unavailable import closed_port
from workshop.api.schema import DESCRIPTIONS


def database_gone(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/devices/", "/api/scan/LY0000001"])
def test_an_endpoint_whose_queries_fail_answers_503_in_the_error_shape(
    client_as, bench_worker, path
):
    client = client_as(bench_worker)
    with connection.execute_wrapper(database_gone):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "code": "database_unavailable",
        "message": "The database cannot be reached. Try again in a moment.",
        "fields": {},
    }


SNIPPET = """
import json
from django.test import Client
response = Client().get(
    "/api/sites/", HTTP_AUTHORIZATION="Token ut_0123456789abcdef", HTTP_ACCEPT_LANGUAGE="en"
)
print(json.dumps([response.status_code, response.content.decode()]))
"""


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param(lambda tmp: f"postgres://postgres@127.0.0.1:{closed_port()}/atelier", id="pg"),
        pytest.param(lambda tmp: f"sqlite:///{tmp}/missing/dir/atelier.sqlite3", id="sqlite"),
    ],
)
def test_a_token_request_to_a_stopped_database_answers_503(database_url, tmp_path):
    env = child_env(database_url(tmp_path), production=True, ATELIER_SSL_REDIRECT=0)
    result = run_python(SNIPPET, env=env)
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert (status, json.loads(body)["code"]) == (503, "database_unavailable")


@pytest.mark.django_db
def test_the_schema_documents_login_locked_and_database_unavailable(client_as, manager):
    schema = client_as(manager).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "database_unavailable" in responses["503"]["description"], (method, path)
            assert "login_locked" in responses["429"]["description"], (method, path)
    assert "database_unavailable" in DESCRIPTIONS["503"]
