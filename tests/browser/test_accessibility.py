"""axe-core finds no serious or critical violation on the bench screens, at two screen sizes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from demo.walks import Crew, device_advance
from inventory import services as inventory_services
from refurb.states import State
from tests import factories
from tests.browser.conftest import axe_violations, screenshot
from workshop import roles
from workshop.models import WorkstationKind as WK

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TABLET = {"width": 800, "height": 1280}


@pytest.fixture
def workshop_data(make_user):
    """A site with its benches, a coach, and devices in a few states, some stuck for days."""
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    stations = {
        kind: factories.WorkstationFactory(site=site, kind=kind, name=f"Banc {kind}")
        for kind in WK.values
    }
    crew = Crew(
        bench=make_user(roles.BENCH_WORKER, username="salome"),
        coach=make_user(roles.COACH, username="claire", first_name="Claire", last_name="Martin"),
        shop=make_user(roles.SHOP, username="lucas"),
        manager=make_user(roles.MANAGER, username="nadia"),
        stations=stations,
    )
    shelf = inventory_services.location_create(site=site, name="Étagère A1")
    long_ago = timezone.now() - timezone.timedelta(days=20)
    devices = {}
    for state in (State.RECEIVED, State.WIPED, State.TESTED, State.IN_REPAIR):
        device = factories.make_device(
            site=site,
            actor=crew.bench,
            make="Dell",
            model="Latitude E7240",
            serial_number=f"SN{state}",
            location=shelf,
            workstation=stations[WK.INTAKE],
            now=long_ago,
        )
        if state != State.RECEIVED:
            device_advance(device, state, crew, now=long_ago)
        devices[state] = device
    factories.make_device(site=site, actor=crew.bench, workstation=stations[WK.INTAKE])
    return crew, devices


def sign_in(page, username: str, kind: str) -> None:
    page.goto("/signin/")
    page.click("summary")
    page.fill("#id_pw-username", username)
    page.fill("#id_pw-password", "correct-horse-battery")
    page.press("#id_pw-password", "Enter")
    page.wait_for_url("**/workstation/**")
    page.click(f"button[data-name='Banc {kind}']")
    page.wait_for_load_state()


PAGES = [
    ("intake", WK.INTAKE, "/intake/"),
    ("erasure", WK.ERASURE, "/erasure/{received}/"),
    ("test", WK.TEST, "/test/{wiped}/"),
    ("test-repair", WK.TEST, "/test/{in_repair}/"),
    ("grading", WK.GRADING, "/grading/{tested}/"),
    ("device-card", WK.STOCK, "/device/{tested}/"),
    ("coach", WK.TEST, "/coach/"),
    ("workstation", WK.TEST, "/workstation/"),
]


@pytest.mark.parametrize("name, kind, url", PAGES, ids=[page[0] for page in PAGES])
def test_bench_screen_has_no_serious_accessibility_violation(page, workshop_data, name, kind, url):
    crew, devices = workshop_data
    sign_in(page, "claire", kind)
    page.goto(url.format(**{state: device.asset_tag for state, device in devices.items()}))
    assert page.locator("h1").count() == 1
    assert not axe_violations(page), name
    screenshot(page, f"a11y-{name}")
    page.set_viewport_size(TABLET)
    assert not axe_violations(page), f"{name} (tablet)"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"], f"{name} scrolls sideways on a tablet ({width}px)"
    screenshot(page, f"tablet-{name}")


def test_sign_in_screen_has_no_serious_accessibility_violation(page):
    page.goto("/signin/")
    assert not axe_violations(page)
    screenshot(page, "signin")
    page.set_viewport_size(TABLET)
    assert not axe_violations(page)


def test_bench_targets_are_at_least_44_px(page, workshop_data):
    crew, devices = workshop_data
    sign_in(page, "claire", WK.TEST)
    page.goto(f"/test/{devices[State.WIPED].asset_tag}/")
    small = page.evaluate(
        """() => [...document.querySelectorAll('#bench-main button, #bench-main select,'
                 + ' #bench-main input:not([type=hidden]), #bench-main summary')]
            .filter(el => el.offsetParent !== null)
            .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)"""
    )
    assert not small
