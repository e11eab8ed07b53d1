"""One laptop from intake to graded, with the keyboard and the scan field only."""

from __future__ import annotations

import pytest

from inventory import services as inventory_services
from refurb.models import ChecklistItem, Device, Drive
from refurb.states import State
from tests import factories
from tests.browser.conftest import axe_violations, focused, screenshot, settle, tab_to
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SCAN = "#scan-code"


def scan(page, code: str) -> None:
    """Type into the focused scan field and press Enter, as a USB scanner does."""
    assert focused(page, SCAN), "the scan field should have the focus"
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    settle(page)


def choose_workstation(page, name: str) -> None:
    tab_to(page, "a[href='/workstation/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/workstation/")
    tab_to(page, f"button[name='workstation'][data-name='{name}']")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    settle(page)


def assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{name}: {violations}"


@pytest.mark.slow(12)
def test_a_laptop_walks_from_intake_to_graded_by_keyboard_and_scanner(page, make_user):
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    for kind in (WK.INTAKE, WK.ERASURE, WK.TEST, WK.GRADING):
        factories.WorkstationFactory(site=site, kind=kind, name=f"Banc {kind}")
    shelf = inventory_services.location_create(site=site, name="Étagère A1")
    worker = make_user(roles.BENCH_WORKER, username="salome", first_name="Salomé")
    badge_create(user=worker, code="B-SALOME", pin="1234")

    # Sign in with the badge, then the PIN.
    page.goto("/")
    page.wait_for_url("**/signin/**")
    assert focused(page, "[data-badge]")
    page.keyboard.type("B-SALOME")
    page.keyboard.press("Enter")
    assert focused(page, "[data-pin]")
    page.keyboard.type("1234")
    page.keyboard.press("Enter")
    page.wait_for_url("**/workstation/**")
    tab_to(page, "button[name='workstation'][data-name='Banc intake']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/intake/")

    # Intake: open a new collection, then register the laptop.
    assert focused(page, SCAN)
    tab_to(page, "#collection-new summary")
    page.keyboard.press("Enter")
    tab_to(page, "#id_donor_name")
    page.keyboard.type("Mme Durand")
    tab_to(page, "#id_gross_weight_kg")
    page.keyboard.type("14.5")
    page.keyboard.press("Enter")
    settle(page)
    # A private person's name is for managers (workshop.access): the bench shows the kind.
    opened = page.inner_text(".collection-open")
    assert "a private person" in opened and "Mme Durand" not in opened
    tab_to(page, "input[name='category']")
    for _i in range(12):
        if focused(page, "[data-category='laptop']"):
            break
        page.keyboard.press("ArrowRight")
    assert page.is_checked("[data-category='laptop']")
    page.keyboard.press("Tab")
    page.keyboard.type("Lenovo")
    page.keyboard.press("Tab")
    page.keyboard.type("ThinkPad T470")
    page.keyboard.press("Tab")
    page.keyboard.type("PF0XK2LM")
    page.keyboard.press("Tab")
    page.keyboard.type("1.6")
    page.keyboard.press("Enter")
    settle(page)
    tag = page.inner_text("[data-new-tag]").strip()
    device = Device.objects.get(asset_tag=tag)
    assert (device.make, device.model, device.serial_number) == (
        "Lenovo",
        "ThinkPad T470",
        "PF0XK2LM",
    )
    assert device.collection.donor.name == "Mme Durand"
    assert focused(page, SCAN)
    screenshot(page, "intake")
    assert_accessible(page, "intake")

    # Erasure: a mistyped tag is refused, then the real one opens the laptop.
    choose_workstation(page, "Banc erasure")
    typo = tag[:-1] + ("0" if tag[-1] != "0" else "1")
    scan(page, typo)
    alert = page.locator("[role='alert'][data-code='tag_check_failed']")
    assert alert.is_visible()
    assert page.input_value(SCAN) == "" and focused(page, SCAN)
    screenshot(page, "scan-mistyped")
    scan(page, tag)
    page.wait_for_url(f"**/erasure/{tag}/")
    scan(page, shelf.tag)
    device.refresh_from_db()
    assert device.location == shelf
    tab_to(page, "#id_serial_number")
    page.keyboard.type("WD-WCC4N7RR")
    tab_to(page, "#id_capacity_gb")
    page.keyboard.type("500")
    page.keyboard.press("Enter")
    settle(page)
    drive = Drive.objects.get(device=device)
    tab_to(page, f"[data-drive='{drive.tag}'] details summary")  # no log: by hand
    page.keyboard.press("Enter")
    tab_to(page, f"#er-finished-{drive.pk}-yes")
    page.keyboard.press("Space")
    tab_to(page, f"#er-verification-{drive.pk}-yes")
    page.keyboard.press("Space")
    tab_to(page, f"[data-drive='{drive.tag}'] [data-action='erasure']")
    page.keyboard.press("Enter")
    settle(page)
    assert page.locator("[data-safety='safe']").is_visible()
    screenshot(page, "erasure")
    assert_accessible(page, "erasure")
    tab_to(page, "[data-move='wiped']")
    page.keyboard.press("Enter")
    settle(page)
    device.refresh_from_db()
    assert device.state == State.WIPED

    # Test: every mandatory check passes, then `tested`.
    choose_workstation(page, "Banc test")
    scan(page, tag)
    page.wait_for_url(f"**/test/{tag}/")
    for item in ChecklistItem.objects.filter(category=device.category, mandatory=True):
        tab_to(page, f"[data-pass='{item.code}']")
        page.keyboard.press("Enter")
        settle(page)
        assert focused(page, SCAN)
    assert page.locator("[data-checklist='passed']").is_visible()
    screenshot(page, "test")
    assert_accessible(page, "test")
    tab_to(page, "[data-move='tested']")
    page.keyboard.press("Space")
    settle(page)
    device.refresh_from_db()
    assert device.state == State.TESTED

    # Grading: grade B with the criteria on screen.
    choose_workstation(page, "Banc grading")
    scan(page, tag)
    page.wait_for_url(f"**/grading/{tag}/")
    assert page.locator("#criteria-B").is_visible()
    screenshot(page, "grading-choose")
    assert_accessible(page, "grading")
    tab_to(page, "[data-grade='B']")
    page.keyboard.press("Enter")
    settle(page)
    device.refresh_from_db()
    assert (device.state, device.grade.code) == (State.GRADED, "B")
    assert page.locator("[data-graded='B']").is_visible()
    screenshot(page, "grading")

    # The device card tells the whole story.
    tab_to(page, f"#device-title a[href='/device/{tag}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/device/{tag}/")
    codes = page.eval_on_selector_all(".timeline__item", "items => items.map(i => i.dataset.code)")
    assert codes[0] == "registered" and codes.count("transition") == 3
    screenshot(page, "device-card")
    assert_accessible(page, "device card")
