"""Linux Mint recorded as installed at the grading bench, named on the shop label and the invoice
(issue 22, part 3), in French, from the screens only.

A bench worker signs in with the badge at "Tri et grade", scans a tested laptop and grades it:
putting it on sale is held back ("no system installed yet"). She chooses Linux Mint 22.1 and
clicks "Installé : premier démarrage réussi" twice: one installation is recorded, and the card
names it. The shop staff then put it on sale at the counter: the shop label reaches the loopback
printer, its barcode decodes to the tag and its ZPL text says "Système : Linux Mint 22.1"; the
laptop is sold and the invoice PDF (read with pypdfium2) names the system too.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from demo.walks import Crew, device_advance
from labels.models import Printer
from refurb.models import SystemInstallation
from refurb.states import State
from shop.models import Sale
from tests import factories
from tests.browser import test_shop_day_walk as shop_day
from tests.browser import test_workday_walk as workday
from tests.browser.conftest import CHROMIUM, settle
from tests.shop.support import buyer, legal_for, make_grid
from workshop import roles
from workshop.models import WorkerProfile
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

N = "\u202f"
french_page = workday.french_page
printer = workday.printer


def _workshop(printer_port: int, make_user):
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    legal_for(site)
    make_grid()
    zebra = Printer(
        site=site,
        name="Zebra boutique",
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
            site=site, kind=kind, name=name, printer=zebra if kind == WK.SHOP else None
        )
        for kind, name in names.items()
    }
    crew = Crew(
        bench=make_user(roles.BENCH_WORKER, username="salome", first_name="Salomé"),
        coach=make_user(roles.COACH, username="claire", first_name="Claire"),
        shop=make_user(roles.SHOP, username="lucas", first_name="Lucas", last_name="Petit"),
        manager=make_user(roles.MANAGER, username="nadia", first_name="Nadia"),
        stations=stations,
    )
    WorkerProfile.objects.update_or_create(user=crew.shop, defaults={"site": site})
    yesterday = timezone.now() - timedelta(days=1)
    laptop = factories.make_device(
        site=site,
        category_code="laptop",
        actor=crew.bench,
        serial_number="PF0MINT22",
        make="Lenovo",
        model="ThinkPad T480",
        now=yesterday,
    )
    device_advance(laptop, State.TESTED, crew, now=yesterday, step=timedelta(minutes=5))
    return site, crew, laptop


def _sign_in(page, walk, badge: str, pin: str, workstation: str) -> None:
    page.goto("/")
    page.wait_for_url("**/signin/**")
    walk.scan(badge)
    walk.scan(pin)
    page.wait_for_url("**/workstation/**")
    walk.click(f"button[name='workstation'][data-name='{workstation}']")
    settle(page)


@pytest.mark.slow(14)
def test_linux_mint_is_recorded_once_and_named_on_the_shop_label_and_the_invoice(
    french_page, chromium, live_server, printer, make_user
):
    assert CHROMIUM
    site, crew, laptop = _workshop(printer.port, make_user)
    tag = laptop.asset_tag
    badge_create(user=crew.bench, code="BADGE-SALOME", pin="2580")
    badge_create(user=crew.shop, code="BADGE-LUCAS", pin="4826")
    page, walk = french_page, shop_day.ShopWalk(french_page, prefix="software")

    # The bench worker at the grading bench: the tested laptop is scanned and graded B.
    _sign_in(page, walk, "BADGE-SALOME", "2580", "Tri et grade")
    page.wait_for_url("**/grading/")
    walk.scan(tag)
    page.wait_for_url(f"**/grading/{tag}/")
    assert page.locator("[data-system-card]").is_visible()
    walk.submit("[data-grade='B']")
    laptop.refresh_from_db()
    assert laptop.state == State.GRADED
    card = page.inner_text("[data-system-card]")
    assert "Aucun système enregistré" in card
    assert page.get_attribute("[data-next-step]", "data-next-step") == "system"
    assert "enregistrer le système installé" in page.inner_text("[data-next-step]")
    walk.check_screen("graded-no-system")

    # She chooses Linux Mint and clicks "first boot passed" twice: one installation.
    page.select_option("#system-image", "linuxmint-22")
    walk.submit("[data-system-card] button[data-first-boot='passed']")
    installations = SystemInstallation.objects.filter(device=laptop)
    assert installations.count() == 1, "a double click records one installation"
    installation = installations.get()
    assert (installation.label, installation.operator, installation.first_boot_passed) == (
        "Linux Mint 22.1",
        crew.bench,
        True,
    )
    assert laptop.events.filter(code="system_installed").count() == 1
    assert page.locator("[data-system-card] [data-first-boot='passed']").count() >= 1
    assert f"Linux Mint 22.1{N}: premier démarrage réussi." in page.inner_text("[data-system-card]")
    assert "Linux Mint 22.1" in page.inner_text("[data-system] dd")
    assert page.locator("[role='status'].alert--success").count() == 1
    assert page.locator("[role='alert'].alert--error").count() == 0
    walk.check_screen("system-installed")

    # The shop staff, at the counter: the laptop is put on sale, its label is printed.
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, locale="fr-FR", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    counter = context.new_page()
    shop = shop_day.ShopWalk(counter, prefix="software-shop")
    _sign_in(counter, shop, "BADGE-LUCAS", "4826", "Boutique")
    counter.wait_for_url("**/shop/counter/")
    shop.scan(tag)
    shop.submit(f"[data-put-on-sale='{tag}']")
    laptop.refresh_from_db()
    assert laptop.state == State.ON_SALE
    assert tag in workday._printed_codes(printer, 1), "the shop label's barcode decodes to the tag"
    zpl = printer.jobs[0].read_text(encoding="utf-8")
    assert "^FDSystème : Linux Mint 22.1^FS" in zpl, zpl

    # Sold to an association, paid in cash: the invoice names the system installed.
    association = buyer("association", site=site)
    shop.type("#buyer-q", "Amis")
    shop.submit("#buyer form[role='search'] button[type='submit']")
    counter.wait_for_url("**/shop/counter/?q=Amis")
    shop.submit(f"[data-buyer='{association.pk}']")
    shop.type("#cash-given", "100")
    shop.submit("#complete")
    counter.wait_for_url("**/shop/sales/*/")
    settle(counter)
    [sale] = Sale.objects.all()
    assert sale.lines.get().system == "Linux Mint 22.1"
    assert "Linux Mint 22.1" in counter.inner_text("[data-system]")
    href = counter.get_attribute("#invoice-pdf", "href")
    pdf = counter.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = shop_day._pdf_text(pdf.body())
    assert f"Facture {sale.number}" in text
    assert "Système installé : Linux Mint 22.1" in text, text
    context.close()
