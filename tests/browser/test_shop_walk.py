"""The shop in a real browser: a kit sold at the counter by keyboard and scanner, a return,
the public device page signed out, and axe-core on the shop and manager screens."""

from __future__ import annotations

import itertools

import pytest

from demo.walks import Crew, device_advance
from inventory import services as inventory_services
from refurb import services as refurb_services
from refurb.states import State
from shop import services as shop_services
from shop.models import CreditNote, Sale
from tests import factories
from tests.browser.conftest import axe_violations, focused, screenshot, settle, tab_to
from tests.shop.support import buyer, make_grid
from workshop import roles
from workshop.models import WorkerProfile
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SCAN = "#scan-code"
SERIALS = itertools.count(5000)
TABLET = {"width": 800, "height": 1280}


@pytest.fixture
def shop(make_user):
    """A site with its legal identity, price grid, benches, a crew and a shop counter."""
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    factories.site_legal(site)
    make_grid()
    stations = {
        kind: factories.WorkstationFactory(site=site, kind=kind, name=f"Banc {kind}")
        for kind in WK.values
    }
    crew = Crew(
        bench=make_user(
            roles.BENCH_WORKER, username="salome", first_name="Salomé", last_name="Bernard"
        ),
        coach=make_user(roles.COACH, username="claire", first_name="Claire", last_name="Martin"),
        shop=make_user(roles.SHOP, username="lucas", first_name="Lucas", last_name="Petit"),
        manager=make_user(roles.MANAGER, username="nadia", first_name="Nadia", last_name="Roux"),
        stations=stations,
    )
    WorkerProfile.objects.update_or_create(
        user=crew.shop, defaults={"site": site}
    )  # shop staff see their site's buyers
    return site, crew


def walked(site, crew, category="laptop", grade="B", *, drives=0, collection=None, **kwargs):
    device = factories.make_device(
        site=site,
        category_code=category,
        actor=crew.bench,
        serial_number=f"SN{next(SERIALS)}",
        collection=collection,
        **kwargs,
    )
    for _index in range(drives):
        refurb_services.drive_add(device=device, actor=crew.bench, kind="ssd")
    device_advance(device, State.ON_SALE, crew, grade=grade)
    return device


def assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{name}: {violations}"


def scan(page, code: str) -> None:
    """Type into the focused scan field and press Enter, as a USB scanner does."""
    assert focused(page, SCAN), "the scan field should have the focus"
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    settle(page)


def test_a_kit_is_sold_and_partly_taken_back_by_keyboard_and_scanner(page, shop):
    site, crew = shop
    kit = shop_services.kit_assemble(
        site=site,
        devices=[walked(site, crew, c) for c in ("desktop", "screen", "peripheral")],
        name="Poste complet",
        actor=crew.shop,
    )
    association = buyer("association", site=site)
    badge_create(user=crew.shop, code="B-LUCAS", pin="4321")

    # Badge + PIN, then the shop counter as this screen's workstation: / lands on the counter.
    page.goto("/")
    page.wait_for_url("**/signin/**")
    assert focused(page, "[data-badge]")
    page.keyboard.type("B-LUCAS")
    page.keyboard.press("Enter")
    assert focused(page, "[data-pin]")
    page.keyboard.type("4321")
    page.keyboard.press("Enter")
    page.wait_for_url("**/workstation/**")
    tab_to(page, "button[name='workstation'][data-name='Banc shop']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/shop/counter/")
    page.goto("/")
    page.wait_for_url("**/shop/counter/")

    # The kit label goes into the basket; a second scan of it changes nothing.
    scan(page, kit.tag.lower())
    scan(page, kit.tag)
    assert page.locator("#basket tr.line").count() == 1
    assert kit.tag in page.inner_text("#basket")
    assert focused(page, SCAN)

    # Find the association and choose it: the solidarity total shows.
    tab_to(page, "#buyer-q")
    page.keyboard.type("Amis")
    page.keyboard.press("Enter")
    page.wait_for_url("**/shop/counter/?q=Amis")
    tab_to(page, f"[data-buyer='{association.pk}']")
    page.keyboard.press("Enter")
    settle(page)
    assert "Les Amis du Numérique" in page.inner_text(".buyer-chosen")
    assert page.inner_text("#total").strip() == "68.00 €"
    screenshot(page, "shop-counter")
    assert_accessible(page, "counter")
    page.set_viewport_size(TABLET)
    assert_accessible(page, "counter (tablet)")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    screenshot(page, "tablet-shop-counter")
    page.set_viewport_size({"width": 1280, "height": 800})

    # Take payment (cash is the first choice) and get the invoice.
    tab_to(page, "#complete")
    page.keyboard.press("Enter")
    page.wait_for_url("**/shop/sales/*/")
    settle(page)
    sale = Sale.objects.get()
    assert sale.number in page.inner_text("h1")
    assert page.inner_text("#invoice-number").strip() == sale.number
    pdf = page.request.get(page.get_attribute("#invoice-pdf", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    screenshot(page, "shop-sale")
    assert_accessible(page, "sale")

    # Take the screen back under warranty: tick it, say why, get the credit note.
    screen_line = sale.lines.get(category_code="screen")
    tab_to(page, "#start-return")
    page.keyboard.press("Enter")
    page.wait_for_url("**/return/")
    settle(page)
    assert_accessible(page, "return")
    tab_to(page, f"input[data-tag='{screen_line.asset_tag}']")
    page.keyboard.press("Space")
    tab_to(page, "#return-reason")
    page.keyboard.type("Dead pixels")
    screenshot(page, "shop-return")
    page.keyboard.press("Enter")
    page.wait_for_url("**/shop/sales/*/**")
    settle(page)
    note = CreditNote.objects.get()
    assert note.number in page.inner_text("#credit-notes")
    assert page.locator("[role='status'][data-code='credit_note']").is_visible()
    pdf = page.request.get(page.get_attribute(".credit-note-pdf", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    screenshot(page, "shop-sale-returned")
    assert_accessible(page, "sale after return")


def test_the_public_device_page_shows_the_label_facts_and_no_person(page, shop):
    site, crew = shop
    donor = inventory_services.donor_create(kind="person", name="Mme Durand")
    collection = inventory_services.collection_create(donor=donor, site=site)
    device = walked(
        site,
        crew,
        "laptop",
        "A",
        drives=1,
        collection=collection,
        make="Lenovo",
        model="ThinkPad T470",
        specs={"ram_gb": 8, "storage_gb": 256, "cpu_generation": 7},
    )
    page.goto(f"/d/{device.asset_tag}")
    text = page.inner_text("body")
    assert "Lenovo ThinkPad T470" in page.inner_text("h1")
    assert "Grade A" in text
    prices = page.inner_text("#prices")
    assert "120.00 €" in prices and "190.00 €" in prices
    assert "Data erased on" in page.inner_text("#erasure")
    for person in ("Durand", "Salomé", "Bernard", "salome", "Claire", "Lucas", "Nadia"):
        assert person not in text, person
    assert page.locator(".topbar__nav").count() == 0
    assert page.locator("form[action='/signout/']").count() == 0
    screenshot(page, "public-device")
    assert_accessible(page, "public device")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "public device (phone)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "phone-public-device")


def sign_in_manager(page) -> None:
    page.goto("/signin/")
    page.click("summary")
    page.fill("#id_pw-username", "nadia")
    page.fill("#id_pw-password", "correct-horse-battery")
    page.press("#id_pw-password", "Enter")
    page.wait_for_url("**/workstation/**")


def test_the_manager_reports_and_stocktake_pages_are_accessible(page, shop):
    site, crew = shop
    shelf = inventory_services.location_create(site=site, name="Étagère A1")
    walked(site, crew, "laptop", "B", location=shelf)
    factories.make_device(site=site, actor=crew.bench, location=shelf)
    stocktake = inventory_services.stocktake_open(site=site, actor=crew.manager)
    inventory_services.stocktake_reconcile(stocktake=stocktake)
    sign_in_manager(page)
    pages = [
        ("reports", "/reports/"),
        ("stocktakes", "/stocktakes/"),
        ("stocktake", f"/stocktakes/{stocktake.pk}/"),
        ("stocktake-scan", f"/stocktakes/{stocktake.pk}/scan/"),
    ]
    for name, url in pages:
        page.goto(url)
        assert page.locator("h1").count() == 1, name
        assert page.locator(".topbar__nav a[href='/reports/']").count() == 1, name
        assert page.locator(".topbar__nav a[href='/stocktakes/']").count() == 1, name
        assert_accessible(page, name)
        screenshot(page, f"manager-{name}")
