"""Repairs and parts in French, from the coach's and the counter's own screens.

1. Claire, a technical coach at ``Test 1``, fails a laptop's screen check, sends it to repair,
   opens its ticket from the coach view, writes the diagnosis and her minutes, fits a screen
   harvested from a carcass (scanning its P label), says it is repaired and passes the re-test.
2. Claire harvests a dead desktop into memory, a drive and a power supply: each part's label
   reaches the loopback printer and decodes (zxing-cpp) to its P tag. Lucas, at the counter,
   scans the memory's label and sells it to a walk-in buyer on an invoice, then takes it back
   under warranty from the sale page: one credit note, the module back in stock.

Every submit button is clicked twice (one result each time); no URL is typed after signing in.
Screens are checked for raw codes and English words and saved to ``var/screenshots/repair-*``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from demo.walks import Crew, device_advance
from inventory.models import Part, PartMovement
from inventory.services import PartSpec, device_harvest
from labels.models import Printer
from refurb import services as refurb_services
from refurb.models import ChecklistItem, Repair, RepairWork
from refurb.states import State
from shop.models import CreditNote, PartSaleLine, Sale
from tests import factories
from tests.browser import test_workday_walk as workday
from tests.browser.conftest import CHROMIUM, focused, settle
from tests.browser.test_shop_day_walk import ShopWalk
from tests.browser.test_workday_walk import french_page, printer  # noqa: F401 (fixtures)
from tests.shop.support import buyer, legal_for
from workshop import roles
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class RepairWalk(ShopWalk):
    """The shop walk's hands (it waits for htmx's follow-up loads), with this walk's names."""


def _workshop(printer_port, make_user):
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    legal_for(site)
    zebra = Printer(
        site=site,
        name="Zebra atelier",
        kind=Printer.Kind.RAW9100,
        host="127.0.0.1",
        port=printer_port,
        default_stock="zebra-57x32",
        timeout_seconds=3,
    )
    zebra.full_clean()
    zebra.save()
    names = {
        WK.INTAKE: "Accueil 1",
        WK.ERASURE: "Effacement 1",
        WK.TEST: "Test 1",
        WK.GRADING: "Tri et grade",
        WK.SHOP: "Boutique",
    }
    stations = {
        kind: factories.WorkstationFactory(
            site=site, kind=kind, name=name, printer=zebra if kind == WK.TEST else None
        )
        for kind, name in names.items()
    }
    crew = Crew(
        bench=make_user(roles.BENCH_WORKER, username="salome", first_name="Salomé", site=site),
        coach=make_user(roles.COACH, username="claire", first_name="Claire", site=site),
        shop=make_user(roles.SHOP, username="lucas", first_name="Lucas", site=site),
        manager=make_user(roles.MANAGER, username="nadia", first_name="Nadia", site=site),
        stations=stations,
    )
    badge_create(user=crew.coach, code="BADGE-CLAIRE", pin="3691")
    badge_create(user=crew.shop, code="BADGE-LUCAS", pin="4826")
    return site, crew


def _wiped(site, crew, category, **kwargs):
    device = factories.make_device(site=site, category_code=category, actor=crew.bench, **kwargs)
    refurb_services.drive_add(
        device=device, actor=crew.bench, serial_number=f"SN-{device.pk}", kind="ssd",
        capacity_bytes=256 * 10**9, workstation=crew.stations[WK.ERASURE],
    )  # fmt: skip
    device_advance(device, State.WIPED, crew)
    return device


def _to_repair(device, crew, failing):
    item = ChecklistItem.objects.get(category=device.category, code=failing)
    refurb_services.test_record_result(
        device=device, item=item, passed=False, actor=crew.bench,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    refurb_services.device_transition(
        device=device, to=State.IN_REPAIR, actor=crew.bench, workstation=crew.stations[WK.TEST]
    )


def _sign_in(page, walk, badge, pin, station):
    page.goto("/")
    page.wait_for_url("**/signin/**")
    assert focused(page, "[data-badge]")
    walk.scan(badge)
    walk.scan(pin)
    page.wait_for_url("**/workstation/**")
    walk.click(f"button[name='workstation'][data-name='{station}']")
    settle(page)


def _no_error(page):
    assert page.locator("[role='alert'].alert--error").count() == 0, page.inner_text("main")[:600]


@pytest.mark.slow(13)
def test_a_coach_repairs_a_laptop_with_a_harvested_screen(french_page, printer, make_user):  # noqa: F811
    assert CHROMIUM
    site, crew = _workshop(printer.port, make_user)
    carcass = _wiped(site, crew, "laptop", make="Dell", model="Latitude E7250",
                     specs={"screen_inches": 12.5})  # fmt: skip
    _to_repair(carcass, crew, "power_on")
    (screen,) = device_harvest(
        device=carcass, parts=[PartSpec(category="screen", test_status="passed")],
        actor=crew.coach, workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    laptop = _wiped(site, crew, "laptop", make="Dell", model="Latitude E7250")
    tag = laptop.asset_tag
    page, walk = french_page, RepairWalk(french_page, prefix="repair")

    _sign_in(page, walk, "BADGE-CLAIRE", "3691", "Test 1")
    page.wait_for_url("**/test/")
    walk.scan(tag)
    page.wait_for_url(f"**/test/{tag}/")
    walk.submit("[data-fail='screen']")
    walk.submit("[data-move='in_repair']")
    laptop.refresh_from_db()
    assert laptop.state == State.IN_REPAIR
    ticket = Repair.objects.get(device=laptop, status="open")
    assert [check["code"] for check in ticket.failed_checks] == ["screen"]
    _no_error(page)

    # The coach view lists the open ticket at its bench, with its age.
    walk.click("a.topbar__link[href$='/coach/']")
    page.wait_for_url("**/coach/")
    settle(page)
    row = page.locator(f"[data-repair-row='{tag}']")
    assert row.is_visible() and "Test 1" in row.inner_text()
    walk.check_screen("coach")
    walk.click(f"[data-open-ticket='{tag}']")
    page.wait_for_url(f"**/repair/{ticket.pk}/")
    settle(page)
    walk.check_screen("ticket")

    walk.type("#diagnosis", "Dalle fissurée, nappe intacte")
    walk.submit("[data-submit='diagnosis']")
    walk.type("#action", "Remplacement de la dalle")
    walk.type("#minutes", "25")
    walk.submit("[data-submit='work']")
    assert RepairWork.objects.filter(repair=ticket).count() == 1, "one line for two clicks"
    ticket.refresh_from_db()
    assert ticket.diagnosis == "Dalle fissurée, nappe intacte"

    page.locator("#fit-category").select_option("screen")
    walk.actions += 1
    walk.type("#fit-part", screen.tag)
    walk.submit("[data-submit='fit']")
    _no_error(page)
    screen.refresh_from_db()
    assert screen.status == Part.Status.FITTED and screen.fitted_in_id == laptop.pk
    assert PartMovement.objects.filter(part=screen, kind="fitted").count() == 1
    assert page.locator(f"[data-part-movements] a[href$='/part/{screen.tag}/']").count() == 1
    walk.check_screen("ticket-fitted")

    # Repaired: back to the checklist of the new cycle, every mandatory check passes.
    walk.submit("[data-submit='repaired']")
    page.wait_for_url(f"**/test/{tag}/")
    walk.submit("[data-action='all-passed']")
    walk.submit("[data-move='tested']")
    _no_error(page)
    laptop.refresh_from_db()
    assert laptop.state == State.TESTED
    assert laptop.specs.get("screen_inches") == 12.5
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == ("done", "repaired")
    assert laptop.events.filter(code="part_fitted").count() == 1
    walk.check_screen("tested")


@pytest.mark.slow(17)
def test_a_desktop_is_harvested_and_its_memory_sold_at_the_counter(
    french_page,  # noqa: F811
    printer,  # noqa: F811
    make_user,
    chromium,
    live_server,
):
    assert CHROMIUM
    site, crew = _workshop(printer.port, make_user)
    desktop = _wiped(site, crew, "desktop", make="HP", model="EliteDesk 800",
                     specs={"ram_gb": 8, "ram_speed_mhz": 2666})  # fmt: skip
    items = ChecklistItem.objects.filter(category=desktop.category, mandatory=True)
    _to_repair(desktop, crew, items.first().code)
    ticket = Repair.objects.get(device=desktop, status="open")
    walk_in = buyer("public", site=site, name="Client au comptoir")
    page, walk = french_page, RepairWalk(french_page, prefix="harvest")

    _sign_in(page, walk, "BADGE-CLAIRE", "3691", "Test 1")
    walk.click("a.topbar__link[href$='/coach/']")
    page.wait_for_url("**/coach/")
    settle(page)
    walk.click(f"[data-open-ticket='{desktop.asset_tag}']")
    page.wait_for_url(f"**/repair/{ticket.pk}/")
    settle(page)
    walk.click("[data-harvest] summary")
    walk.click("[data-harvest-tick='memory']")
    walk.type("#price-memory", "12,50")
    page.locator("#test-memory").select_option("passed")
    walk.actions += 1
    walk.click("[data-harvest-tick='power_supply']")
    walk.click(f"[data-harvest-drive='{desktop.drives.get().tag}'] input")
    walk.check_screen("harvest-form")
    walk.submit("[data-submit='harvest']")
    _no_error(page)
    desktop.refresh_from_db()
    assert desktop.state == State.HARVESTED
    parts = {part.category: part for part in Part.objects.filter(origin=desktop)}
    assert set(parts) == {"memory", "power_supply", "drive"}, "three parts for two clicks"
    assert parts["memory"].specs == {"size_gb": 8, "speed_mhz": 2666}
    assert parts["memory"].price == Decimal("12.50")
    assert parts["drive"].drive.is_safe
    printed = workday._printed_codes(printer, 3)
    assert {part.tag for part in parts.values()} <= printed, "each part's label decodes"
    walk.check_screen("harvested")

    # The parts in stock, from the coach view: filtered to memory, the module opens its card.
    walk.click("a.topbar__link[href$='/coach/']")
    page.wait_for_url("**/coach/")
    settle(page)
    walk.click("[data-link='parts-stock']")
    page.wait_for_url("**/parts/")
    settle(page)
    assert page.locator("[data-part-row]").count() == 3
    page.locator("#parts-category").select_option("memory")
    walk.actions += 1
    walk.submit("[data-submit='parts-filter']")
    page.wait_for_url("**/parts/?**category=memory**")
    settle(page)
    assert page.locator("[data-part-row]").count() == 1
    walk.check_screen("parts-stock")
    walk.click(f"[data-open-part='{parts['memory'].tag}']")
    page.wait_for_url(f"**/part/{parts['memory'].tag}/")
    settle(page)

    # Lucas, at the counter, sells the memory module.
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, locale="fr-FR", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    shop_page = context.new_page()
    shop = RepairWalk(shop_page, prefix="part-sale")
    try:
        _sign_in(shop_page, shop, "BADGE-LUCAS", "4826", "Boutique")
        shop_page.wait_for_url("**/shop/counter/")
        shop.scan(parts["memory"].tag)
        line = shop_page.locator(f"#basket tr.line[data-code='{parts['memory'].tag}']")
        assert line.count() == 1 and desktop.asset_tag in line.inner_text()
        assert shop_page.locator("#basket .field__error").count() == 0
        shop.type("#buyer-q", "comptoir")
        shop.submit("#buyer form[role='search'] button[type='submit']")
        shop.submit(f"[data-buyer='{walk_in.pk}']")
        shop.type("#cash-given", "20")
        shop.submit("#complete")
        shop_page.wait_for_url("**/shop/sales/*/")
        settle(shop_page)
        shop.check_screen("sale")
        [sale] = Sale.objects.all()
        assert sale.total == Decimal("12.50")
        assert PartSaleLine.objects.get(sale=sale).part_id == parts["memory"].pk
        parts["memory"].refresh_from_db()
        assert parts["memory"].status == Part.Status.SOLD

        # The buyer brings the module back the next day: a credit note, the part in stock.
        shop.click("#start-return")
        shop_page.wait_for_url("**/return/")
        settle(shop_page)
        shop.click(f"input[name='part_line'][data-tag='{parts['memory'].tag}']")
        shop.type("#return-reason", "Barrette instable")
        shop.check_screen("part-return")
        shop.submit("#confirm-return")
        shop_page.wait_for_url("**/shop/sales/*/**")
        settle(shop_page)
        [note] = CreditNote.objects.all()
        assert note.number in shop_page.inner_text("#credit-notes")
        assert note.total == Decimal("12.50") and note.lines.get().part_line.sale == sale
        shop.check_screen("part-returned")
    finally:
        context.close()
    parts["memory"].refresh_from_db()
    assert parts["memory"].status == Part.Status.IN_STOCK
    assert parts["memory"].movements.filter(kind=PartMovement.Kind.RETURNED).count() == 1
