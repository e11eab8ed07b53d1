"""Run manage.py or a Python snippet in a real child process against a chosen database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def current_database_url() -> str:
    """Return a DATABASE_URL for the database the tests are using right now."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings.get("USER") or "postgres"
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    return f"sqlite:///{settings['NAME']}"


def production_keys() -> dict:
    """Chain and signing keys for a production-like child (created once per test process)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from refurb.keys import key_file_create, private_key_pem

    signing = Path(tempfile.gettempdir()) / f"atelier-test-keys-{os.getpid()}" / "signing.pem"
    if not signing.exists():
        key_file_create(signing, private_key_pem(Ed25519PrivateKey.generate()))
    return {
        "ATELIER_CHAIN_KEY": "production-like-chain-key-for-tests-only-0123456789",
        "ATELIER_SIGNING_KEY_FILE": str(signing),
    }


def child_env(database_url: str | None = None, production: bool = False, **extra) -> dict:
    """Return an environment for a child process (not under pytest, DEBUG=1 unless production)."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for this process only.
    dropped = {"PYTEST_VERSION", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.pop("PYTEST_CURRENT_TEST", None)
    if production:
        env["SECRET_KEY"] = "x7-Kq2mN9vLp4TzR8sWb3YcJ6hFd1GaE5uXo0iPnQrStUvWy-production-like-key"
        env.setdefault("ALLOWED_HOSTS", "testserver,atelier.example.org")
        for key, value in production_keys().items():
            env.setdefault(key, value)
    else:
        env["DEBUG"] = "1"
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update({key: str(value) for key, value in extra.items()})
    return env


def run_manage(*args, env: dict, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def run_python(code: str, *, env: dict, timeout: float = 120, **kwargs):
    """Run ``code`` after ``django.setup()`` in a child process; return the completed process."""
    prelude = "import django, os; django.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "workshop.settings", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )
