"""A throw-away Atelier beside the real one: a SQLite database in a temporary directory, the
demo data seeded, and a development server on a free loopback port.

The docs test runs the documentation's commands in it; ``tests/browser/docs_screenshot.py``
photographs a bench screen from it. Nothing here touches ``var/`` or the demo database.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
# What a child process must not inherit from pytest or from the developer's shell.
DROPPED = ("PYTEST_", "DJANGO_", "ATELIER_", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")


def sandbox_env(directory: Path) -> dict[str, str]:
    """Return the environment of a command run in the sandbox kept in ``directory``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED)}
    env.update(
        DATABASE_URL=f"sqlite:///{directory / 'atelier.sqlite3'}",
        DEBUG="1",
        ATELIER_VAR_DIR=str(directory / "var"),
        TMPDIR=str(directory / "tmp"),
        LANG="C.UTF-8",
        # No job worker runs beside the sandbox's server: jobs run inside its requests.
        ATELIER_JOBS_ENGINE="immediate",
    )
    (directory / "var").mkdir(parents=True, exist_ok=True)
    (directory / "tmp").mkdir(parents=True, exist_ok=True)
    return env


def manage(directory: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run ``manage.py`` with the project's interpreter in the sandbox; raise if it fails."""
    return subprocess.run(
        [str(VENV_PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=sandbox_env(directory),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def demo_sandbox(directory: Path) -> Path:
    """Migrate a fresh database in ``directory`` and load the demo workshop; return it."""
    manage(directory, "migrate", "--no-input", "-v0")
    manage(directory, "seed_demo")
    return directory


def copy_sandbox(source: Path, directory: Path) -> Path:
    """Copy the database of the sandbox ``source``, and the chain keys it was sealed with
    (``var/keys/``: without them its events do not verify), into a new sandbox ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in source.glob("atelier.sqlite3*"):
        shutil.copy2(path, directory / path.name)
    sandbox_env(directory)
    keys = source / "var" / "keys"
    if keys.is_dir():
        shutil.copytree(keys, directory / "var" / "keys")
    return directory


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(directory: Path, *, timeout: float = 60) -> Iterator[int]:
    """Serve the sandbox with ``runserver --noreload`` on a free port; yield the port."""
    port = free_port()
    log = open(directory / "server.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [str(VENV_PYTHON), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=sandbox_env(directory),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        "the sandbox server did not start:\n"
                        + (directory / "server.log").read_text(errors="replace")
                    ) from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
