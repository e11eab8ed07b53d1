"""Production refuses to start without a real secret key."""

import os
import subprocess
import sys

from django.conf import settings


def run_check(**env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DEBUG", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start_and_says_how_to_fix_it():
    result = run_check()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_a_secret_key_starts():
    result = run_check(SECRET_KEY="x" * 50, ALLOWED_HOSTS="atelier.example")
    assert result.returncode == 0, result.stderr
