"""The French catalogue is complete, compiled, and covers every string in the code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "workshop" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
IGNORED = ("tests/", "agent/", "bench/", "var/", ".venv/")


def test_every_entry_of_the_french_catalogue_is_translated():
    po = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in po if not entry.translated()]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source_catalogue():
    po = {entry.msgid: entry.msgstr for entry in polib.pofile(str(PO)) if entry.msgstr}
    mo = {entry.msgid: entry.msgstr for entry in polib.mofile(str(MO)) if entry.msgid}
    assert mo == po, "run `make messages` to recompile the catalogue"


def _tracked_sources(root: Path) -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        listed = [str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()]
    return [
        name
        for name in listed
        if name.endswith((".py", ".html", ".txt")) and not name.startswith(IGNORED)
    ]


def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext (xgettext) is missing: .ci/run must install it")
        pytest.skip("GNU gettext (xgettext) is not installed: install it to check the catalogue")
    root = Path(settings.BASE_DIR)
    for name in _tracked_sources(root):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    copied = tmp_path / PO.relative_to(root)
    copied.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(PO, copied)
    env = {**os.environ, "DEBUG": "1", "ATELIER_VAR_DIR": str(tmp_path / "var")}
    env.pop("PYTEST_VERSION", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copied))
    missing = sorted(entry.msgid for entry in fresh if not entry.translated())
    assert missing == [], "new strings need a French translation (make messages)"
