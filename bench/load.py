"""A bounded load run: gunicorn workers on 127.0.0.1 and threaded ``http.client`` users.

The server is started here, on loopback only, with a fresh port, and stopped at the end. The
users follow a mix of request kinds (scans, transitions, lists, reports); a kind whose
endpoint does not exist on this branch is dropped and the others keep their proportions.
The run stops after ``seconds`` or ``max_requests``, whichever comes first.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from bench.scenarios.admin import admin_list_url
from bench.scenarios.api import api_list_path
from bench.scenarios.base import BenchEnv, url_exists
from bench.stats import summary
from refurb.states import State
from reports.tables import COACH_TABLES, TABLES

# The API rates while benchmarking (workshop/api/throttles.py): on, and out of reach.
BENCH_THROTTLE_RATE = "1000000/minute"

MIX = {"scan": 60, "transition": 25, "list": 10, "report": 5}
HOST = "127.0.0.1"
# The answer a kind of request is expected to get when it is not 2xx (the API refuses the
# service-only move the transition requests ask for).
EXPECTED = {"transition": 409}


@dataclass
class Request:
    kind: str
    method: str
    path: str
    body: bytes | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def session_cookie(user) -> str:
    """Log ``user`` in by writing a session row, as the login view would."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def request_makers(env: BenchEnv) -> tuple[dict, dict]:
    """Return, per kind of the mix, a function ``(rng, state) -> Request`` and what it hits."""
    api = url_exists(f"/api/scan/{env.tags[0]}")
    makers, used = {}, {}
    if api:
        makers["scan"] = lambda rng, st: Request("scan", "GET", f"/api/scan/{rng.choice(env.tags)}")
        used["scan"] = "GET /api/scan/{tag}"
    else:
        makers["scan"] = lambda rng, st: Request(
            "scan", "GET", f"/admin/refurb/device/{rng.choice(env.device_ids)}/change/"
        )
        used["scan"] = "GET admin change page (stand-in until /api/scan lands)"
    if url_exists(f"/api/devices/{env.sale_devices[0].asset_tag}/transitions/"):

        def transition(rng, st):
            devices = st["devices"]
            if not devices:
                return None
            # Reserving is a service-only move: the API refuses it (409), after the lock.
            tag = rng.choice(list(devices))
            body = json.dumps({"to": State.RESERVED}).encode()
            return Request("transition", "POST", f"/api/devices/{tag}/transitions/", body)

        makers["transition"] = transition
        used["transition"] = "POST /api/devices/{tag}/transitions/"
    if url_exists("/api/devices/"):

        def listing(rng, st):
            return Request("list", "GET", api_list_path(rng.choice(env.list_filters)))

        makers["list"] = listing
        used["list"] = "GET /api/devices/?state&site&category"
    else:
        makers["list"] = lambda rng, st: Request(
            "list", "GET", admin_list_url(rng.choice(env.list_filters))
        )
        used["list"] = "GET admin changelist with 3 filters"
    if url_exists("/reports/stock_by_state.csv"):
        names = sorted(name for name in TABLES if name not in COACH_TABLES)

        def report(rng, st):
            # Both dates cleared: the whole history, not the screens' default of 12 weeks.
            path = f"/reports/{rng.choice(names)}.csv?date_from=&date_to="
            return Request("report", "GET", path)

        makers["report"] = report
        used["report"] = (
            "GET /reports/{name}.csv (a manager report as CSV, whole network and history)"
        )
    return makers, used


def start_server(workers: int, port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": env.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(32),
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
        }
    )
    # Plain HTTP on the loopback, as behind the TLS proxy: no redirect to HTTPS.
    env.setdefault("ATELIER_SSL_REDIRECT", "0")
    # The load's few tokens send far more than a bench would: rates on, far above the load.
    env.setdefault("ATELIER_THROTTLE_TOKEN", BENCH_THROTTLE_RATE)
    env.setdefault("ATELIER_THROTTLE_SNAPSHOTS", BENCH_THROTTLE_RATE)
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    cmd = [
        sys.executable, "-m", "gunicorn", "workshop.wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(workers),
        "--worker-class", "sync", "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("gunicorn did not start listening within 30 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def load_run(
    env: BenchEnv,
    *,
    seconds: float = 30,
    clients: int = 8,
    workers: int = 4,
    max_requests: int = 50_000,
    warmup: int = 40,
    log=print,
) -> dict:
    """Serve with gunicorn, send the mix for ``seconds`` from ``clients`` threads, report."""
    makers, used = request_makers(env)
    kinds = [k for k in MIX if k in makers]
    weights = [MIX[k] for k in kinds]
    cookie_session = session_cookie(env.admin)
    csrf = secrets.token_hex(16)
    headers = {
        "Cookie": f"sessionid={cookie_session}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Accept": "application/json",
        "Accept-Language": "en",
        "Content-Type": "application/json",
    }
    if env.api_token:
        headers["Authorization"] = f"Token {env.api_token}"
    port = free_port()
    log(f"  gunicorn: {workers} sync workers on {HOST}:{port}; {clients} client threads")
    proc = start_server(workers, port)
    results: list[tuple[str, float, int]] = []
    errors: list[str] = []
    counter = itertools.count()
    share = max(1, len(env.sale_devices) // clients)

    # Each client thread owns its devices (no two threads move the same one) and tracks their
    # states across the warm-up and the measured run.
    owned = [
        {"devices": {d.asset_tag: d.state for d in env.sale_devices[i * share : (i + 1) * share]}}
        for i in range(clients)
    ]

    def user(index: int, deadline: float, record: bool) -> None:
        rng = random.Random(index + (1000 if record else 0))
        state = owned[index]
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        local = []
        while time.monotonic() < deadline and next(counter) < max_requests:
            req = makers[rng.choices(kinds, weights)[0]](rng, state)
            if req is None:
                continue
            started = time.perf_counter()
            try:
                conn.request(req.method, req.path, body=req.body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                status = 0
                errors.append(f"{req.method} {req.path}: {error}")
            local.append((req.kind, (time.perf_counter() - started) * 1000, status))
            if status >= 400 and status != EXPECTED.get(req.kind) and len(errors) < 20:
                errors.append(f"{req.method} {req.path}: HTTP {status}")
        conn.close()
        if record:
            results.extend(local)

    try:
        threads = [
            threading.Thread(target=user, args=(i, time.monotonic() + 3, False))
            for i in range(clients)
        ]
        counter = itertools.count(-warmup * clients)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        counter = itertools.count()
        errors.clear()
        started = time.monotonic()
        deadline = started + seconds
        threads = [threading.Thread(target=user, args=(i, deadline, True)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        ceiling = wrk_ceiling(
            port,
            env,
            seconds=min(10.0, max(2.0, seconds / 3)),
            connections=clients,
            mix_script=wrk_mix_script(env, cookie=cookie_session, csrf=csrf)
            if set(MIX) <= set(makers)
            else None,
            log=log,
        )
    finally:
        stop_server(proc)
    latencies = [ms for _, ms, _ in results]
    failed = [r for r in results if r[2] == 0 or (r[2] >= 400 and r[2] != EXPECTED.get(r[0]))]
    by_kind = {}
    for kind in kinds:
        ms = [m for k, m, _ in results if k == kind]
        if ms:
            by_kind[kind] = {**summary(ms), "endpoint": used[kind], "share": len(ms)}
    report = {
        "seconds": round(elapsed, 1),
        "clients": clients,
        "workers": workers,
        "requests": len(results),
        "throughput_rps": round(len(results) / elapsed, 1) if elapsed else 0,
        "errors": len(failed),
        "error_samples": errors[:10],
        "mix": {k: MIX[k] for k in kinds},
        "missing_kinds": [k for k in MIX if k not in makers],
        **{k: v for k, v in summary(latencies).items() if k != "samples"},
        "by_kind": by_kind,
    }
    if ceiling:
        report["wrk"] = ceiling
    log(
        f"  load: {report['requests']} requests in {report['seconds']} s = "
        f"{report['throughput_rps']} req/s, p95 {report['p95_ms']} ms, {report['errors']} errors"
    )
    return report


WRK_SCAN = """
local tags = {%(tags)s}
wrk.headers["Authorization"] = "Token %(token)s"
wrk.headers["Accept"] = "application/json"
request = function()
  return wrk.format("GET", "/api/scan/" .. tags[math.random(#tags)])
end
"""


# The load run's mix (MIX: 60 % scans, 25 % refused transitions, 10 % lists, 5 % report CSVs),
# sent by wrk instead of Python threads. A connection's next request is drawn when its answer
# came, so the mix holds; each thread counts the statuses, and done() prints them for parse_wrk.
WRK_MIX = """
local scans = {%(scans)s}
local moves = {%(moves)s}
local lists = {%(lists)s}
local reports = {%(reports)s}
local weights = {%(weights)s}
local headers = {
  ["Authorization"] = "Token %(token)s",
  ["Cookie"] = "%(cookie)s",
  ["X-CSRFToken"] = "%(csrf)s",
  ["Accept"] = "application/json",
  ["Accept-Language"] = "en",
  ["Content-Type"] = "application/json",
}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
local function pick(list) return list[math.random(#list)] end
request = function()
  local r = math.random() * weights[4]
  if r < weights[1] then
    return wrk.format("GET", "/api/scan/" .. pick(scans), headers)
  elseif r < weights[2] then
    return wrk.format("POST", "/api/devices/" .. pick(moves) .. "/transitions/", headers,
                      '{"to": "reserved"}')
  elseif r < weights[3] then
    return wrk.format("GET", pick(lists), headers)
  end
  return wrk.format("GET", pick(reports), headers)
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do io.write(string.format("status %%d %%d\\n", status, n)) end
end
"""

# Statuses the mix expects: answers, and the API's refusal of a service-only move.
MIX_OK = {200, 409}


def _lua_strings(values) -> str:
    return ",".join(json.dumps(str(v)) for v in values)


def wrk_mix_script(env: BenchEnv, *, cookie: str, csrf: str) -> str:
    """The Lua script of the mix for wrk, with the bench's tags, filters and credentials."""
    rng = random.Random(19)
    names = sorted(name for name in TABLES if name not in COACH_TABLES)
    cumulative, total = [], 0
    for kind in ("scan", "transition", "list", "report"):
        total += MIX.get(kind, 0)
        cumulative.append(total)
    return WRK_MIX % {
        "scans": _lua_strings(env.tags[:2000]),
        "moves": _lua_strings(d.asset_tag for d in env.sale_devices[:2000]),
        "lists": _lua_strings(api_list_path(rng.choice(env.list_filters)) for _ in range(200)),
        "reports": _lua_strings(f"/reports/{n}.csv?date_from=&date_to=" for n in names),
        "weights": ",".join(str(w) for w in cumulative),
        "token": env.api_token,
        "cookie": f"sessionid={cookie}; csrftoken={csrf}",
        "csrf": csrf,
    }


def _wrk_ms(text: str) -> float:
    value = float(text.rstrip("usmin"))
    unit = text[len(str(text).rstrip("usmin")) :]
    return round(value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}.get(unit, 1.0), 2)


def parse_wrk(out: str) -> dict:
    """Requests/s, percentiles and failures from ``wrk --latency``'s report."""
    import re

    result: dict = {}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["throughput_rps"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    for pct in ("50", "75", "90", "99"):
        if m := re.search(rf"^\s+{pct}%\s+([\d.]+[a-z]+)", out, re.M):
            result[f"p{pct}_ms"] = _wrk_ms(m.group(1))
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    statuses = {int(a): int(b) for a, b in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    socket_errors = sum(int(g) for g in sock.groups()) if sock else 0
    if statuses:
        # The mix's script counted every status: a refused move (409) is an expected answer.
        result["statuses"] = dict(sorted(statuses.items()))
        result["errors"] = socket_errors + sum(
            n for status, n in statuses.items() if status not in MIX_OK
        )
    else:
        result["errors"] = (int(non_ok.group(1)) if non_ok else 0) + socket_errors
    return result


def wrk_ceiling(
    port: int,
    env: BenchEnv,
    *,
    seconds: float,
    connections: int,
    mix_script: str | None = None,
    log=print,
):
    """With ``wrk`` (Debian's package), a separate light C client: ``/health/`` (the app's own
    ceiling on this server), scans of random tags, then the load run's mix when its script is
    given, each for ``seconds``, in one run. Returns them and the ratios to ``/health/``, or
    None when wrk is not installed."""
    import shutil
    import tempfile

    wrk = shutil.which("wrk")
    if wrk is None or not env.api_token:
        log("  wrk: not installed (apt install wrk), no ceiling measured")
        return None
    base = f"http://{HOST}:{port}"
    threads = str(min(2, connections))
    common = [wrk, "-t", threads, "-c", str(connections), "-d", f"{seconds:g}s", "--latency"]
    tags = ",".join(json.dumps(t) for t in env.tags[:2000])
    scripts = {"scan": WRK_SCAN % {"tags": tags, "token": env.api_token}}
    if mix_script:
        scripts["mix"] = mix_script
    paths = {}
    for name, text in scripts.items():
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(text)
        paths[name] = script.name
    try:
        runs = {}
        plan = [("health", [f"{base}/health/"])]
        plan += [(name, ["-s", path, base]) for name, path in paths.items()]
        for name, extra in plan:
            done = subprocess.run(
                common + extra, capture_output=True, text=True, timeout=seconds + 60
            )
            runs[name] = parse_wrk(done.stdout)
    finally:
        for path in paths.values():
            os.unlink(path)
    health = runs["health"].get("throughput_rps") or 0
    scan = runs["scan"].get("throughput_rps") or 0
    result = {
        "client": "wrk",
        "connections": connections,
        "threads": int(threads),
        "seconds": seconds,
        **runs,
        "scan_over_health": round(scan / health, 3) if health else None,
    }
    line = (
        f"  wrk ({connections} connections, {seconds:g} s each): /health/ {health} req/s, "
        f"scan {scan} req/s = {result['scan_over_health']} of /health/"
    )
    if "mix" in runs:
        mix = runs["mix"].get("throughput_rps") or 0
        result["mix_over_health"] = round(mix / health, 3) if health else None
        line += f"; mix {mix} req/s, {runs['mix'].get('errors')} errors"
    log(line)
    return result
