"""A lost or unreachable database answers 503 (never a 500), and the next request recovers."""

from __future__ import annotations

import json
import socket

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.test import Client, RequestFactory

from tests.subproc import child_env, run_python

pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_terminate_backend exists on PostgreSQL only"
)


def terminate_backend_of(conn) -> None:
    """Kill ``conn``'s server process from another connection, as a DB restart would."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = conn.settings_dict
    with psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"] or "postgres",
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pg_only
@pytest.mark.urls("tests.workshop.dbfault_urls")
@pytest.mark.django_db(transaction=True)
def test_a_terminated_connection_answers_503_in_the_api_shape_then_recovers():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/api/ping/").status_code == 200
    terminate_backend_of(connection)
    lost = client.get("/api/ping/")
    assert lost.status_code == 503
    body = json.loads(lost.content)
    assert body["code"] == "database_unavailable"
    assert body["fields"] == {}
    assert "database cannot be reached" in body["message"]
    assert client.get("/api/ping/").status_code == 200


@pg_only
@pytest.mark.urls("tests.workshop.dbfault_urls")
@pytest.mark.django_db(transaction=True)
def test_a_terminated_connection_shows_a_plain_page_on_screens_then_recovers():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/screen/").status_code == 200
    terminate_backend_of(connection)
    lost = client.get("/screen/")
    assert lost.status_code == 503
    assert lost["Content-Type"].startswith("text/html")
    assert "The database cannot be reached" in lost.content.decode()
    assert client.get("/screen/").status_code == 200


@pg_only
@pytest.mark.urls("tests.workshop.dbfault_urls")
@pytest.mark.django_db(transaction=True)
def test_with_health_checks_a_reused_connection_is_replaced_before_the_request_fails():
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    client = Client()
    assert client.get("/api/ping/").status_code == 200
    terminate_backend_of(connection)
    close_old_connections()  # what request_started does between two requests of a server
    assert client.get("/api/ping/").status_code == 200


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SNIPPET = """
import json
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.workshop.dbfault_urls"):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    out = {}
    for path in ("/api/ping/", "/screen/"):
        response = client.get(path)
        out[path] = [response.status_code, response.content.decode()]
print(json.dumps(out))
"""


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param(lambda tmp: f"postgres://postgres@127.0.0.1:{closed_port()}/atelier", id="pg"),
        pytest.param(lambda tmp: f"sqlite:///{tmp}/missing/dir/atelier.sqlite3", id="sqlite"),
    ],
)
def test_a_stopped_database_answers_503_and_never_a_500(database_url, tmp_path):
    env = child_env(database_url(tmp_path), production=True, ATELIER_SSL_REDIRECT=0)
    result = run_python(SNIPPET, env=env)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    status, body = answers["/api/ping/"]
    assert (status, json.loads(body)["code"]) == (503, "database_unavailable")
    status, body = answers["/screen/"]
    assert status == 503
    assert "The database cannot be reached" in body


def test_the_health_endpoint_of_a_stopped_database_answers_503(tmp_path):
    env = child_env(
        f"postgres://postgres@127.0.0.1:{closed_port()}/atelier",
        production=True,
        ATELIER_SSL_REDIRECT=0,
    )
    code = "from django.test import Client\nprint(Client().get('/health/').status_code)"
    result = run_python(code, env=env)
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr


@pytest.mark.django_db
def test_the_health_endpoint_answers_ok(client):
    response = client.get("/health/")
    body = response.json()
    assert (response.status_code, body["status"], body["database"]) == (200, "ok", "ok")
    assert body["worker"]["ok"] and body["scheduler"]["ok"]  # immediate: no worker needed


class DatabaseDownMiddleware:
    """Fails like a session or auth middleware would when the database is gone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import OperationalError

        raise OperationalError("connection to server was lost")


def test_a_database_outage_outside_any_view_answers_503_too(settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "tests.workshop.test_database_unavailable.DatabaseDownMiddleware",
    ]
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    api = client.get("/api/anything/")
    screen = client.get("/admin/")
    assert (api.status_code, json.loads(api.content)["code"]) == (503, "database_unavailable")
    assert screen.status_code == 503
    assert "The database cannot be reached" in screen.content.decode()


def test_other_server_errors_stay_500(settings):
    from workshop.middleware import server_error

    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
