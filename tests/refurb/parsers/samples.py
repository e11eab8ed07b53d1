"""Real reports, read in place from ``../shared/samples/`` (never copied into the repository).

Each folder there (``hw``, ``hw2``, ``nwipe``, ``ereuse``) has a SOURCES.md saying what each
file is and its trap. Where ``../shared`` is absent (a user's own clone) the tests that need a
sample skip with a reason; in CI (``CI=true``) a missing sample fails the test instead.
"""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples"
# Fixtures this repository makes itself (generated nwipe runs, synthetic edge cases).
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def sample_path(folder: str, name: str) -> Path:
    """The path of a real report under ../shared/samples/FOLDER; skip (or fail in CI) if absent."""
    path = SAMPLES / folder / name
    if not path.is_file():
        reason = f"real report {folder}/{name} not found under {SAMPLES} (../shared is absent)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + ": CI must run the corpus tests")
        pytest.skip(reason)
    return path


def sample_text(folder: str, name: str) -> str:
    return sample_path(folder, name).read_text(encoding="utf-8", errors="replace")


def sample_json(folder: str, name: str):
    return json.loads(sample_path(folder, name).read_text(encoding="utf-8"))


def hw_path(name: str) -> Path:
    return sample_path("hw", name)


def hw_text(name: str) -> str:
    return sample_text("hw", name)


def hw_json(name: str):
    return sample_json("hw", name)


def ereuse_json(name: str) -> dict:
    return sample_json("ereuse", name)
