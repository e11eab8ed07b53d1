"""The network deployment for real: ``python -m bench.deploy_smoke`` (``make jobs-smoke``, CI).

Two gunicorn instances behind a real nginx (Debian's ``nginx-light``, round-robin on a free
port, the configuration of docs/operations.md), one job worker and one scheduler run against
the local PostgreSQL and Redis under production settings, as docs/operations.md deploys them.
Every request of the journey goes through the proxy, and nginx's log shows which instance
answered: both must have. (Without nginx, outside CI, the script alternates between the two
instances itself and says so.) Then:

* a device's journey through the API, the requests spread over both instances: scan,
  erasure, transition (its Idempotency-Key replayed on the other instance), move, timeline;
* a session opened on one instance is valid on the other (sessions in the database, read
  through the shared Redis cache);
* a label printed through a job: the request answers at once (``queued``), the worker sends
  it to a loopback raw-9100 listener on an OS-chosen port, which counts exactly one label;
* ``/health/`` on both instances sees the worker and the scheduler.

Needs ``pg_isready`` to pass on 127.0.0.1:5432 and Redis on ``SMOKE_REDIS_URL``
(``redis://127.0.0.1:6379/6``). Creates and drops its own database, ``atelier_smoke``.
Exits non-zero with what went wrong; prints ``N passed, 0 failed`` at the end.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("SMOKE_DB", "atelier_smoke")
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/6")
PASSWORD = "atelier-demo-2026"


class Listener:
    """A raw-9100 printer on loopback: counts the ZPL labels of every connection."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.data: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            chunks = []
            conn.settimeout(10)
            try:
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
            except OSError:
                pass
            conn.close()
            self.data.append(b"".join(chunks))

    @property
    def labels(self) -> int:
        return sum(job.count(b"^XA") for job in self.data)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, **kwargs) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


class Smoke:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, what: str, ok: bool, detail: str = "") -> None:
        if ok:
            self.passed += 1
            print(f"ok    {what}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL  {what} {detail}", flush=True)


def request(base, path, *, token=None, body=None, headers=None, opener=None, method=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Accept-Language", "en")
    if token:
        req.add_header("Authorization", f"Token {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        response = (opener or urllib.request.build_opener()).open(req, timeout=30)
        status, raw, heads = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, heads = error.code, error.read(), error.headers
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = raw.decode("utf-8", "replace")
    return status, payload, heads


def wait_health(base: str, process, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{base} exited: {process.stderr.read()}")
        try:
            status, _body, _ = request(base, "/health/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base} never answered /health/")


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$request_method $uri $status upstream=$upstream_addr';
    access_log {work}/nginx-access.log upstream;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    upstream atelier {{
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;
        location / {{
            proxy_pass http://atelier;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    import shutil

    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def start_nginx(work: Path, ports: list[int]):
    """nginx in front of the two instances on a free port; (process, base, log) or None."""
    binary = nginx_binary()
    if binary is None:
        if os.environ.get("CI"):
            raise SystemExit("nginx is missing: apt-get install nginx-light (.ci/run does)")
        print("== nginx not installed: the script alternates between the instances itself")
        return None
    port = free_port()
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, a=ports[0], b=ports[1], port=port))
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_health(base, process)
    return process, base, work / "nginx-access.log"


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="atelier-smoke-"))
    listener = Listener()
    psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{DB_NAME}"')
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    base_env.update(
        DATABASE_URL=f"{PG}/{DB_NAME}",
        ATELIER_REDIS_URL=REDIS_URL,
        ATELIER_VAR_DIR=str(work / "var"),
        ATELIER_DEMO_PRINTER_PORT=str(listener.port),
        ATELIER_PRINT_RETRIES="0",
        LANG="C.UTF-8",
    )
    setup = {**base_env, "DEBUG": "1"}
    print("== migrate and seed the demo (PostgreSQL)", flush=True)
    run([PY, "manage.py", "migrate", "--no-input", "-v0"], setup, timeout=600)
    run([PY, "manage.py", "seed_demo"], setup, timeout=600)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # this smoke test's own Redis database
    keys = work / "var" / "keys"
    prod = {
        **base_env,
        "DEBUG": "0",
        "SECRET_KEY": "smoke-test-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ATELIER_SSL_REDIRECT": "0",
        "ATELIER_SECURE_COOKIES": "0",
        "ATELIER_HSTS_SECONDS": "0",
        "ATELIER_CHAIN_KEY_FILE": str(keys / "chain.key"),
        "ATELIER_SIGNING_KEY_FILE": str(keys / "signing.pem"),
        "ATELIER_PRINTER_NETWORKS": "127.0.0.0/8",
        "STATIC_ROOT": str(work / "static"),
    }
    run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], prod, timeout=300)
    ws = run([PY, "manage.py", "create_workstation_token", "LY", "Effacement 1"], prod).strip()
    token = run([PY, "manage.py", "create_user_token", "salome", "--days", "1"], prod).strip()

    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    processes = []
    smoke = Smoke()
    try:
        for port in ports:
            processes.append(
                subprocess.Popen(
                    [PY, "-m", "gunicorn", "workshop.wsgi:application", "--bind",
                     f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"],
                    cwd=ROOT, env=prod, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    text=True,
                )
            )  # fmt: skip
        for name in ("jobs_worker", "jobs_scheduler"):
            processes.append(
                subprocess.Popen(
                    [PY, "manage.py", name], cwd=ROOT, env=prod,
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                )
            )  # fmt: skip
        for base, process in zip(bases, processes[:2], strict=True):
            wait_health(base, process)
        proxy = start_nginx(work, ports)
        if proxy is not None:
            processes.append(proxy[0])
            a = b = proxy[1]
            print(f"== nginx {a} in front of {bases[0]} and {bases[1]}", flush=True)
        else:
            a, b = bases
        print(f"== two instances {bases[0]} and {bases[1]}, one worker, one scheduler")

        status, body, _ = request(a, "/api/scan/LY000006B", token=ws)
        smoke.check("A: scan the phone", status == 200 and body.get("kind") == "device", body)
        erasure = {
            "drive": "LYD000006X", "method": "purge", "tool": "nvme-cli sanitize",
            "result": "success", "verified": True,
        }  # fmt: skip
        status, body, _ = request(b, "/api/erasures/", token=ws, body=erasure)
        smoke.check("B: record its drive's erasure", status == 201, body)
        key = {"Idempotency-Key": "smoke-wipe-LY000006B"}
        status, body, _ = request(a, "/api/devices/LY000006B/transitions/", token=ws,
                                  body={"to": "wiped"}, headers=key)  # fmt: skip
        smoke.check("A: wiped", status in (200, 201) and body["device"]["state"] == "wiped", body)
        status, body, heads = request(b, "/api/devices/LY000006B/transitions/", token=ws,
                                      body={"to": "wiped"}, headers=key)  # fmt: skip
        smoke.check(
            "B: the same Idempotency-Key is replayed, not done twice",
            heads.get("Idempotent-Replayed") == "true",
            f"{status} {body}",
        )
        status, body, _ = request(a, "/api/devices/LY000006B/move/", token=token,
                                  body={"location": "LYL000002I"})  # fmt: skip
        smoke.check("A: moved to a location", status in (200, 201), body)
        status, body, _ = request(b, "/api/devices/LY000006B/timeline/", token=token)
        events = body if status == 200 else []
        codes = {event.get("to_state") for event in events} | {e.get("code") for e in events}
        smoke.check("B: the timeline has both moves", "wiped" in codes and "moved" in codes, codes)

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        _status, page, _ = request(a, "/admin/login/", opener=opener)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "username": "admin",
                "password": PASSWORD,
                "next": "/admin/",
            }  # fmt: skip
        ).encode()
        login = urllib.request.Request(a + "/admin/login/", data=form)
        login.add_header("Referer", a + "/admin/login/")
        opener.open(login, timeout=30)
        status, page, _ = request(b, "/admin/", opener=opener)
        smoke.check(
            "a session opened on A is valid on B",
            status == 200 and "/admin/logout/" in page,
            status,
        )

        status, body, _ = request(a, "/api/print-jobs/", token=ws, body={
            "template": "device_tag", "codes": ["LY000006B"],
        })  # fmt: skip
        smoke.check("A: the print request answers at once, queued", status == 201
                    and body.get("status") == "queued", body)  # fmt: skip
        job_id = body.get("id")
        deadline = time.monotonic() + 60
        sent = False
        while time.monotonic() < deadline and not sent:
            status, body, _ = request(b, "/api/print-jobs/?status=sent", token=ws)
            sent = status == 200 and any(row["id"] == job_id for row in body["results"])
            time.sleep(0.5)
        smoke.check("B: the worker sent the job", sent, body)
        time.sleep(1)
        smoke.check("the printer received exactly one label", listener.labels == 1,
                    listener.labels)  # fmt: skip

        if proxy is not None:
            log = proxy[2].read_text(encoding="utf-8", errors="replace")
            upstreams = set(re.findall(r"upstream=(127\.0\.0\.1:\d+)", log))
            smoke.check(
                "nginx spread the requests over both instances",
                {f"127.0.0.1:{port}" for port in ports} <= upstreams,
                upstreams,
            )
            smoke.check("nginx answered no 502/504", " 502 " not in log and " 504 " not in log)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            _status, health, _ = request(b, "/health/")
            if health.get("status") == "ok":
                break
            time.sleep(1)
        smoke.check(
            "/health/ sees the worker and the scheduler",
            health.get("status") == "ok" and health["queue"]["engine"] == "redis",
            health,
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        try:
            psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        except Exception as exc:  # the report below matters more
            print(f"could not drop {DB_NAME}: {exc}")
    print(f"deploy smoke: {smoke.passed} passed, {smoke.failed} failed")
    return 1 if smoke.failed else 0


if __name__ == "__main__":
    sys.exit(main())
