"""``make serve``'s stack for real: gunicorn under production settings, whitenoise, headers."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time

import pytest

from tests.subproc import ROOT, child_env, current_database_url, run_manage


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, headers: dict) -> tuple[int, dict, bytes]:
    """GET ``path`` straight from the server (no proxy settings, no redirect following)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_and_static_files_under_production_settings(tmp_path):
    port = free_port()
    database = current_database_url()
    if database.startswith("sqlite"):
        database = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    env = child_env(
        database,
        production=True,
        STATIC_ROOT=tmp_path / "static",
        ATELIER_BEHIND_TLS_PROXY=1,
        ALLOWED_HOSTS="atelier.example.org",
    )
    collected = run_manage("collectstatic", "--no-input", "-v0", env=env, timeout=300)
    assert collected.returncode == 0, collected.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "workshop.wsgi:application", "--workers", "1"]
        + ["--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    proxy = {"Host": "atelier.example.org", "X-Forwarded-Proto": "https"}
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, headers, _ = fetch(port, "/admin/login/", proxy)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.3)
        assert status == 200
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")

        status, headers, body = fetch(
            port,
            "/static/admin/css/base.css",
            {**proxy, "Accept-Encoding": "gzip"},
        )
        assert (status, headers.get("Content-Encoding")) == (200, "gzip")

        status, headers, _ = fetch(port, "/admin/login/", {"Host": "atelier.example.org"})
        assert status == 301  # plain HTTP is sent to HTTPS
    finally:
        server.terminate()
        server.wait(timeout=30)
