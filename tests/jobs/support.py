"""Helpers of the jobs tests: a counting raw-9100 printer, a real worker process, waiting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

from tests.subproc import ROOT, child_env, current_database_url

LOOPBACK = "127.0.0.1"


def _redis_url() -> str:
    """The tests' Redis database: 6, or 6 + n for pytest-xdist's worker ``gwn`` (each worker
    flushes its own queue; two workers sharing one would take each other's jobs)."""
    if url := os.environ.get("ATELIER_TEST_REDIS_URL"):
        return url
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{6 + int(worker.removeprefix('gw') or 0)}"


REDIS_URL = _redis_url()


class CountingPrinter:
    """A raw-9100 printer on loopback (an OS-chosen port): every connection's bytes are kept,
    and ``labels`` counts the ZPL labels (``^XA`` … ``^XZ``) received in all of them."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOOPBACK, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        conn.settimeout(10)
        chunks = []
        try:
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        except OSError:
            pass
        finally:
            conn.close()
        with self.lock:
            self.jobs.append(b"".join(chunks))

    @property
    def labels(self) -> int:
        with self.lock:
            return sum(job.count(b"^XA") for job in self.jobs)

    def close(self):
        self.closed = True
        self.sock.close()


def closed_port() -> int:
    s = socket.socket()
    s.bind((LOOPBACK, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


def worker_env(engine: str, jobs_sqlite, **extra) -> dict:
    return child_env(
        current_database_url(),
        ATELIER_JOBS_ENGINE=engine,
        ATELIER_JOBS_SQLITE=str(jobs_sqlite),
        ATELIER_REDIS_URL=REDIS_URL if engine == "redis" else "",
        ATELIER_PRINT_RETRIES=0,
        DJANGO_SETTINGS_MODULE="workshop.settings",
        PYTHONPATH=str(ROOT),
        **extra,
    )


def start_worker(env: dict) -> subprocess.Popen:
    """``manage.py jobs_worker`` in a real child process; its stderr is read on failure."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "jobs_worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.kill()
    out, err = process.communicate(timeout=30)
    return out + err


def wait_for(predicate, *, timeout: float = 60.0, what: str = "", process=None):
    """Poll ``predicate`` until true (a worker is a separate process: it takes its time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the worker exited while waiting for {what}: {stop(process)}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
