"""No template of the project holds what the CSP blocks: inline style, inline script, on*= handlers.

An inline ``<script>`` is allowed only with ``nonce="{{ request.csp_nonce }}"``. An e-mail's HTML
(templates under a ``mail/`` folder) is read by mail clients, never served under the CSP, and
most of them keep only inline styles: there, ``style=`` is allowed, and scripts never are. The
browser test ``tests/browser/test_csp.py`` checks the rendered screens; this one covers every
template file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path for app in settings.PROJECT_APPS for path in (ROOT / app / "templates").rglob("*.html")
)
FORBIDDEN = {
    "inline <style>": re.compile(r"<style\b", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "on*= handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "inline <script> without nonce": re.compile(r"<script\b(?![^>]*\b(src|nonce)=)[^>]*>", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}

MAIL_ALLOWED = {"inline <style>", "style= attribute"}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_holds_nothing_the_csp_blocks(path):
    text = path.read_text()
    mail = "mail" in path.relative_to(ROOT).parts
    found = [
        name
        for name, pattern in FORBIDDEN.items()
        if pattern.search(text) and not (mail and name in MAIL_ALLOWED)
    ]
    assert found == [], f"{path.relative_to(ROOT)}: {found}"


def test_a_mail_template_still_holds_no_script():
    mail = [p for p in TEMPLATES if "mail" in p.relative_to(ROOT).parts]
    assert mail, "the mail layout is checked too"
    for path in mail:
        text = path.read_text()
        assert not FORBIDDEN["inline <script> without nonce"].search(text), path
        assert not FORBIDDEN["on*= handler"].search(text), path
