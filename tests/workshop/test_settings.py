"""Production refuses to start without a real secret key, or without the chain key."""

import os
import subprocess
import sys

from django.conf import settings

from tests.subproc import production_keys


def run_check(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "DEBUG", "SECRET_KEY"} and not k.startswith("ATELIER_")
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


def test_production_with_a_secret_key_and_the_chain_keys_starts():
    result = run_check(SECRET_KEY="x" * 50, ALLOWED_HOSTS="atelier.example", **production_keys())
    assert result.returncode == 0, result.stderr


def test_production_without_the_chain_key_refuses_to_start_and_says_how_to_fix_it():
    result = run_check(SECRET_KEY="x" * 50, ALLOWED_HOSTS="atelier.example")
    assert result.returncode != 0
    assert "refurb.E001" in result.stderr
    assert "No chain key: set ATELIER_CHAIN_KEY_FILE" in result.stderr
    assert "create_chain_keys" in result.stderr


def test_production_with_a_missing_key_file_names_it(tmp_path):
    missing = tmp_path / "nowhere" / "chain.key"
    result = run_check(
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="atelier.example",
        ATELIER_CHAIN_KEY_FILE=str(missing),
        ATELIER_SIGNING_KEY_FILE=production_keys()["ATELIER_SIGNING_KEY_FILE"],
    )
    assert result.returncode != 0
    assert f"ATELIER_CHAIN_KEY_FILE={missing}: no such file" in result.stderr
