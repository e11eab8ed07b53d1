"""The corpus keeps us honest: real reports are read in place, never copied into the repo."""

import hashlib
from pathlib import Path

import pytest

from tests.refurb.parsers import samples

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_fixture_is_a_copy_of_a_shared_sample():
    samples.sample_path("nwipe", "SOURCES.md")  # skip (or fail in CI) without ../shared
    shared = {_digest(p): p for p in samples.SAMPLES.rglob("*") if p.is_file()}
    copies = [p for p in FIXTURES.rglob("*") if p.is_file() and _digest(p) in shared]
    assert copies == []


def test_a_missing_sample_skips_with_its_reason_outside_ci(tmp_path, monkeypatch):
    monkeypatch.setattr(samples, "SAMPLES", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"real report hw/x\.json not found"):
        samples.sample_path("hw", "x.json")


def test_a_missing_sample_fails_in_ci(tmp_path, monkeypatch):
    monkeypatch.setattr(samples, "SAMPLES", tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the corpus tests"):
        samples.sample_path("hw", "x.json")


def test_every_file_a_sources_page_names_is_there():
    for folder in ("hw", "hw2", "nwipe", "ereuse"):
        sources = samples.sample_text(folder, "SOURCES.md")
        for row in sources.splitlines():
            cells = [c.strip() for c in row.split("|")]
            if len(cells) > 2 and "." in cells[1] and " " not in cells[1] and cells[1] != "file":
                assert (samples.SAMPLES / folder / cells[1]).is_file(), (folder, cells[1])
