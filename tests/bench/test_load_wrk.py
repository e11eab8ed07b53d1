"""The load run's mix sent by wrk: the Lua script runs in the real wrk, draws the mix's kinds of
request, and its status counts become the run's errors (a 409 refusal is an expected answer)."""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from bench import load

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8000
  2 threads and 4 connections
  Latency Distribution
     50%    3.10ms
     75%    4.20ms
     90%    6.00ms
     99%   12.50ms
  1234 requests in 2.00s, 1.10MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:    617.00
status 200 1000
status 409 200
status 500 31
"""


def bench_env():
    return SimpleNamespace(
        tags=["LY0000001X", "LY0000002Y"],
        sale_devices=[SimpleNamespace(asset_tag="LY0000003Z")],
        list_filters=[{"state": "on_sale", "site_code": "LY", "category_code": "laptop"}],
        api_token="ut_test-token",
    )


def test_the_mix_statuses_count_refusals_as_answers_and_the_rest_as_errors():
    result = load.parse_wrk(WRK_OUTPUT)
    assert result["throughput_rps"] == 617.0
    assert result["p99_ms"] == 12.5
    assert result["statuses"] == {200: 1000, 409: 200, 500: 31}
    # 31 server errors and 3 socket errors; the 200 refusals are answers.
    assert result["errors"] == 34


class _Server(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn behind wrk
    seen: Counter = Counter()
    headers_ok: Counter = Counter()

    def _answer(self):
        if self.path.startswith("/api/scan/"):
            kind, status = "scan", 200
        elif self.path.endswith("/transitions/"):
            kind = "transition"
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status = 409 if body == b'{"to": "reserved"}' else 400
        elif self.path.startswith("/api/devices/?state=on_sale&site=LY&category=laptop"):
            kind, status = "list", 200
        elif self.path.startswith("/reports/") and self.path.endswith(".csv?date_from=&date_to="):
            kind, status = "report", 500  # a failing report: errors must count it
        else:
            kind, status = "other", 404
        type(self).seen[kind] += 1
        if self.headers.get("Authorization") == "Token ut_test-token" and "sessionid=s1" in (
            self.headers.get("Cookie") or ""
        ):
            type(self).headers_ok[kind] += 1
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt install wrk)")
def test_wrk_sends_the_mix_with_the_credentials_and_reports_its_statuses():
    _Server.seen.clear()
    _Server.headers_ok.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = bench_env()
        result = load.wrk_ceiling(
            server.server_address[1],
            env,
            seconds=2,
            connections=2,
            mix_script=load.wrk_mix_script(env, cookie="s1", csrf="c1"),
            log=lambda line: None,
        )
    finally:
        server.shutdown()
    mix = result["mix"]
    # The mix's four kinds, and /health/ (a 404 here) from the ceiling's first run, nothing else.
    assert set(_Server.seen) == {"scan", "transition", "list", "report", "other"}
    # Every request of the mix carried the token and the session cookie.
    for kind in ("scan", "transition", "list", "report"):
        assert _Server.headers_ok[kind] >= 1
    # The mix's proportions hold roughly (60/25/10/5).
    drawn = sum(_Server.seen[k] for k in ("scan", "transition", "list", "report"))
    assert drawn > 100
    assert _Server.seen["scan"] > _Server.seen["transition"] > _Server.seen["list"]
    # The 500s of the report are errors, the 409 refusals are not.
    assert mix["statuses"][409] >= 1 and mix["statuses"][500] >= 1
    assert mix["errors"] == mix["statuses"][500]
    assert result["mix_over_health"] is not None
