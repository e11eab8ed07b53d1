"""Every screen renders under the Content Security Policy with no violation, in a real Chromium.

An init script (run before any page script, and not subject to the page's CSP) records every
``securitypolicyviolation`` event into ``window.__csp``; each page must end with none: no inline
script, inline style, ``style=`` attribute or ``on*=`` handler anywhere.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from demo.walks import device_advance
from inventory import services as inventory_services
from inventory.models import Donor
from refurb.states import State
from tests import factories
from tests.browser.test_accessibility import PAGES, sign_in, workshop_data  # noqa: F401
from workshop.models import WorkerProfile
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} `
    + `at ${e.sourceFile || location.pathname}:${e.lineNumber} ${e.sample || ""}`);
});
"""


@pytest.fixture
def csp_page(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp || []")


@pytest.fixture
def shop_data(workshop_data):  # noqa: F811
    crew, devices = workshop_data
    site = devices[State.TESTED].site
    factories.site_legal(site)
    for user in (crew.coach, crew.shop, crew.manager):
        WorkerProfile.objects.update_or_create(user=user, defaults={"site": site})
    donor = factories.DonorFactory(kind=Donor.Kind.PERSON, name="Jeanne Dupontel")
    collection = inventory_services.collection_create(donor=donor, site=site)
    device = factories.make_device(
        site=site, actor=crew.bench, make="Lenovo", model="T480", collection=collection
    )
    device_advance(device, State.ON_SALE, crew, grade="B")
    return crew, devices, device


@pytest.mark.slow(14)
def test_every_screen_renders_without_a_csp_violation(csp_page, shop_data):
    crew, devices, on_sale = shop_data
    tags = {state: device.asset_tag for state, device in devices.items()}
    seen: dict[str, list[str]] = {}

    csp_page.goto("/signin/")
    seen["/signin/"] = violations(csp_page)
    sign_in(csp_page, "claire", PAGES[0][1])
    for _name, kind, url in PAGES:
        csp_page.goto("/workstation/")
        csp_page.click(f"button[data-name='Banc {kind}']")
        csp_page.wait_for_load_state()
        csp_page.goto(url.format(**tags))
        seen[url] = violations(csp_page)
    for url in (
        reverse("shop:public_device", args=[on_sale.asset_tag]),
        reverse("shop:counter"),
        reverse("reports:index"),
        reverse("inventory:stocktake_list"),
        "/api/docs/",
    ):
        csp_page.goto(url)
        if url == "/api/docs/":
            csp_page.wait_for_selector(".swagger-ui .info")  # Swagger UI really rendered
        seen[url] = violations(csp_page)
    assert seen["/api/docs/"] == []
    assert {url: found for url, found in seen.items() if found} == {}
    assert len(seen) == len(PAGES) + 6


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_badge_locked_after_wrong_pins_says_so_on_the_sign_in_screen(csp_page, workshop_data):  # noqa: F811
    crew, _devices = workshop_data
    badge_create(user=crew.bench, code="B-777", pin="2580")
    for _attempt in range(3):
        csp_page.goto("/signin/")
        csp_page.fill("#id_badge-badge", "B-777")
        csp_page.fill("#id_badge-pin", "0000")
        csp_page.press("#id_badge-pin", "Enter")
        csp_page.wait_for_load_state()
    assert "Too many wrong PINs for this badge" in csp_page.content()
    assert "Ask a manager to unlock it" in csp_page.content()
    csp_page.fill("#id_badge-badge", "B-777")
    csp_page.fill("#id_badge-pin", "2580")
    csp_page.press("#id_badge-pin", "Enter")
    csp_page.wait_for_load_state()
    assert "Too many wrong PINs for this badge" in csp_page.content()
    assert violations(csp_page) == []
