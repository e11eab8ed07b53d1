"""Access to the sample files copied under tests/fixtures/."""

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def hw_path(name: str) -> Path:
    return FIXTURES / "hw" / name


def hw_text(name: str) -> str:
    return hw_path(name).read_text(encoding="utf-8")


def hw_json(name: str):
    return json.loads(hw_text(name))


def ereuse_json(name: str) -> dict:
    return json.loads((FIXTURES / "ereuse" / name).read_text(encoding="utf-8"))
