"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's server.

Playwright's sync API runs an event loop in this thread, so Django's async-safety check must be
relaxed for the ORM calls the tests make. Chromium is never downloaded by Playwright: the
tests use ``/usr/bin/chromium`` and fail in CI (``CI=true``) or skip elsewhere when it is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("ATELIER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "the playwright package is not installed (pip install -e '.[dev]')"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """Return a fresh 1280×800 page in English (assertions read codes, screenshots read text)."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def screenshot(page, name: str) -> Path:
    """Write a full-page screenshot to ``var/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (served from disk) on the page; return violations of the given impacts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content Security Policy
        # does not govern: a <script> tag would be (rightly) refused as inline script.
        page.evaluate("source => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)
            }));
        }"""
    )
    return [violation for violation in result if violation["impact"] in impacts]


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only, like a worker)."""
    for _i in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector!r}")


def settle(page) -> None:
    """Wait until htmx has finished its requests (an HX-Location chains two) and swaps."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def sign_in_with_badge(page, badge: str, pin: str) -> None:
    """Open the home page signed out, scan ``badge``, type ``pin``: the workstation picker."""
    page.goto("/")
    page.wait_for_url("**/signin/**")
    for text in (badge, pin):
        page.keyboard.type(text, delay=5)
        page.keyboard.press("Enter")
        settle(page)
    page.wait_for_url("**/workstation/**")


def submit_twice(page, selector: str, pause_ms: int = 200) -> None:
    """Click the first ``selector`` twice, 40 ms apart (a double click on a submit), then wait
    until the page has settled."""
    page.locator(selector).first.evaluate(
        "b => { b.click(); setTimeout(() => { if (b.isConnected) b.click(); }, 40); }"
    )
    settle(page)
    page.wait_for_timeout(pause_ms)
    settle(page)


def assert_accessible(page, name: str) -> None:
    """No serious or critical axe-core violation on the page (``name`` says which page)."""
    violations = axe_violations(page)
    assert not violations, f"{name}: {violations}"
