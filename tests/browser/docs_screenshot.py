"""Photograph the erasure bench for the README: ``make docs-screenshot``.

Seeds the demo workshop in a throw-away sandbox (``tests/sandbox.py``), serves it, signs in as
the demo bench worker in Debian's Chromium (Playwright never downloads a browser), chooses the
erasure workstation, opens a phone whose drive still waits for its erasure, and writes a
1280×800 PNG, reduced to a palette with Pillow so it stays small, to ``docs/img/bench.png``.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from tests import sandbox
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

OUTPUT = sandbox.ROOT / "docs" / "img" / "bench.png"
DEMO_USER, DEMO_PASSWORD = "salome", "atelier-demo-2026"
WORKSTATION = "Effacement 1"
DEVICE = "LY000006B"  # a demo phone in `received`, its drive not erased yet


def shoot(base_url: str) -> bytes:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="fr-FR", base_url=base_url
        )
        page = context.new_page()
        page.goto("/signin/")
        page.click("details.card > summary")  # "Sign in with a user name and password"
        page.fill("#id_pw-username", DEMO_USER)
        page.fill("#id_pw-password", DEMO_PASSWORD)
        page.locator("form:has(#id_pw-username) button[type=submit]").click()
        page.wait_for_url("**/workstation/**")
        page.click(f"button[name='workstation'][data-name='{WORKSTATION}']")
        page.wait_for_url("**/erasure/")
        page.fill("#scan-code", DEVICE)
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/erasure/{DEVICE}/")
        page.wait_for_load_state("networkidle")
        png = page.screenshot(full_page=False)
        browser.close()
    return png


def shrink(png: bytes, colours: int = 64) -> bytes:
    """Return the PNG reduced to a palette of ``colours`` (flat UI colours survive it)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(
        out, format="PNG", optimize=True
    )
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
        return 1
    with tempfile.TemporaryDirectory(prefix="atelier-screenshot-") as tmp:
        box = sandbox.demo_sandbox(Path(tmp))
        with sandbox.server(box) as port:
            png = shrink(shoot(f"http://127.0.0.1:{port}"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(png)
    print(f"{args.output}: {len(png):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
