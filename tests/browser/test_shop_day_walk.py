"""The shop staff's day in French, clicking and scanning: a graded laptop sold to an association.

Signed in with the badge, from the screens only (no URL typed after signing in), the counter
puts the graded laptop on sale (its shop label reaches the loopback printer and scans back to
the tag), the device card reprints that label, the laptop is sold to an association paid in
cash (the cash received typed with a decimal comma, the change said on the sale page) and the
invoice PDF reads in French with its amounts in euros. Every submit button is clicked twice
(one result each time); every screen is checked for raw codes and English words, for French
typography (a narrow no-break space before ``: ; ! ?`` and ``€``) and by axe, and written to
``var/screenshots/shop-day-*.png``. The actions are counted as in the bench worker's walk
(``test_workday_walk.py``); the figure goes to ``var/screenshots/shop-day-actions.txt``.

The older ``test_shop_walk.py`` keeps what this walk does not do: a kit sold by keyboard
only, a return with its credit note, the public device page and the manager's pages.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pypdfium2
import pytest
from django.utils import timezone

from demo.walks import Crew, device_advance
from labels.models import Printer, PrintJob
from refurb.states import State
from shop.models import Sale
from tests import factories
from tests.browser import test_workday_walk as workday
from tests.browser.conftest import CHROMIUM, SCREENSHOTS, settle
from tests.shop.support import buyer, legal_for, make_grid
from workshop import roles
from workshop.models import WorkerProfile
from workshop.models import WorkstationKind as WK
from workshop.services import badge_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_ACTIONS = 20
N = "\u202f"
# The shop's own raw codes and English words, beside the bench's.
SHOP_RAW = re.compile(
    r"\b(solidarity|public_body|individual|cash|cheque|sold|on_sale|Basket|Buyer|Invoice|"
    r"Put it on sale|Reprint|Take payment|Change to give|Paid by|Price tier)\b"
)
# A high punctuation mark that ends a word must follow a narrow no-break space in French.
BAD_SPACING = re.compile(r"(?:^|[^\u202f\s])[ \u00a0]?[:;!?](?=\s|$)|\d[ \u00a0]?[€%]")


# The bench worker's walk's fixtures (a French Chromium page, the loopback printer).
french_page = workday.french_page
printer = workday.printer


class ShopWalk(workday.Walk):
    """The bench worker's hands, waiting for the network to be quiet after each submit: an
    htmx answer with ``HX-Location`` is followed by a second request, and the page is only
    read once that one has been swapped in."""

    def __init__(self, page, prefix: str):
        super().__init__(page, prefix)
        self.in_flight = 0
        page.on("request", lambda _request: self._count(1))
        page.on("requestfinished", lambda _request: self._count(-1))
        page.on("requestfailed", lambda _request: self._count(-1))

    def _count(self, step: int) -> None:
        self.in_flight += step

    def quiet(self) -> None:
        calm = 0
        for _tick in range(200):
            self.page.wait_for_timeout(50)
            calm = calm + 1 if self.in_flight <= 0 else 0
            if calm >= 6:  # 300 ms without a request
                break
        settle(self.page)

    def submit(self, selector: str) -> None:
        super().submit(selector)
        self.quiet()

    def scan(self, text: str) -> None:
        super().scan(text)
        self.quiet()

    def check_screen(self, name: str) -> None:
        text = self.page.inner_text("#bench-main")
        found = sorted(set(SHOP_RAW.findall(text)))
        assert not found, f"{name}: raw codes or English on screen: {found}"
        spacing = sorted({m.group(0) for m in BAD_SPACING.finditer(text)})
        assert not spacing, f"{name}: French typography wanted before {spacing}: {text}"
        super().check_screen(name)  # the bench's raw codes, axe, screenshots (two sizes)


def _shop(printer_port: int, make_user):
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
        serial_number="PF0XK2LM",
        make="Lenovo",
        model="ThinkPad T470",
        now=yesterday,
    )
    device_advance(laptop, State.GRADED, crew, grade="B", now=yesterday, step=timedelta(minutes=5))
    return site, crew, laptop


def _pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.mark.slow(14)
def test_the_shop_staff_put_a_laptop_on_sale_sell_it_to_an_association_and_reprint_its_label(
    french_page, printer, make_user
):
    assert CHROMIUM
    site, crew, laptop = _shop(printer.port, make_user)
    tag = laptop.asset_tag
    association = buyer("association", site=site)
    badge_create(user=crew.shop, code="BADGE-LUCAS", pin="4826")
    page, walk = french_page, ShopWalk(french_page, prefix="shop-day")

    # Sign in with the badge and the PIN, choose the shop workstation: the counter opens.
    page.goto("/")
    page.wait_for_url("**/signin/**")
    walk.scan("BADGE-LUCAS")
    walk.scan("4826")
    page.wait_for_url("**/workstation/**")
    walk.click("button[name='workstation'][data-name='Boutique']")
    page.wait_for_url("**/shop/counter/")
    settle(page)
    walk.check_screen("counter")

    # The graded laptop is scanned: the counter offers to put it on sale, and does.
    walk.scan(tag)
    assert page.locator("#basket tr.line").count() == 1
    assert page.locator(f"[data-graded='{tag}']").is_visible()
    assert page.locator("#basket .field__error").count() == 0, "an offered move is no error"
    walk.check_screen("counter-graded")
    walk.submit(f"[data-put-on-sale='{tag}']")
    laptop.refresh_from_db()
    assert laptop.state == State.ON_SALE
    assert laptop.events.filter(code="transition", to_state=State.ON_SALE).count() == 1
    assert tag in workday._printed_codes(printer, 1), "the shop label reached the printer and scans"
    assert page.locator("[data-print='sent']").count() == 1
    assert page.locator("[role='status'].alert--success").count() == 1
    assert page.locator("[role='alert'].alert--error").count() == 0
    assert page.locator(f"[data-put-on-sale='{tag}']").count() == 0
    assert page.inner_text("#total").strip() == f"120,00{N}€"  # no buyer yet: standard price
    walk.check_screen("counter-on-sale")

    # The label came out smudged: the device card reprints it, once per click.
    walk.click(f"#basket [data-device-card='{tag}']")
    page.wait_for_url(f"**/device/{tag}/")
    settle(page)
    assert (
        page.inner_text("[data-price] dd") == f"70,00{N}€ prix solidaire · 120,00{N}€ prix standard"
    )
    walk.check_screen("device-card")
    walk.submit("form.reprint button[value='shop_label']")
    assert workday._printed_codes(printer, 2) >= {tag}
    assert PrintJob.objects.filter(template="shop_label").count() == 2
    assert page.locator("[data-print='sent']").count() == 1, page.inner_text("#bench-main")[:800]
    walk.check_screen("device-card-reprinted")

    # Back at the counter: find the association, choose it, the solidarity total shows.
    walk.click(".topbar__nav a[href='/shop/counter/']")
    page.wait_for_url("**/shop/counter/")
    settle(page)
    assert page.locator("#basket tr.line").count() == 1, "the basket waited"
    walk.type("#buyer-q", "Amis")
    walk.submit("#buyer form[role='search'] button[type='submit']")
    page.wait_for_url("**/shop/counter/?q=Amis")
    walk.submit(f"[data-buyer='{association.pk}']")
    assert association.name in page.inner_text(".buyer-chosen")
    assert "Association" in page.inner_text(".buyer-chosen")
    assert page.inner_text("#total").strip() == f"70,00{N}€"
    walk.check_screen("counter-buyer")

    # Paid in cash: 100,50 € handed over (typed with a comma), the change is said once.
    walk.type("#cash-given", "100,50")
    walk.submit("#complete")
    page.wait_for_url("**/shop/sales/*/")
    settle(page)
    [sale] = Sale.objects.all()
    assert (sale.total, sale.payment_method, sale.buyer_id) == (
        Decimal("70.00"),
        "cash",
        association.pk,
    )
    assert sale.number in page.inner_text("h1")
    change = page.locator("[data-code='change_due']")
    assert change.count() == 1
    assert change.locator(".alert__text").inner_text().strip() == f"Monnaie à rendre{N}: 30,50{N}€."
    assert page.locator("[role='alert'].alert--error").count() == 0
    walk.check_screen("sale")

    # The invoice PDF, opened from its button: French, the amounts in euros.
    href = page.get_attribute("#invoice-pdf", "href")
    walk.click("#invoice-pdf")  # Chromium opens it in its PDF viewer
    page.wait_for_url(f"**{href}")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SCREENSHOTS / "shop-day-invoice-pdf.png"))
    pdf = page.request.get(page.url)  # the bytes the viewer shows, with the same session
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    data = pdf.body()
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert f"Facture {sale.number}" in text
    assert association.name in text and tag in text
    assert "70,00 €" in text  # the no-break space of the PDF reads back as a space
    assert "TVA sur la marge" in text and "Payé par" in text
    assert not re.search(r"\b(Invoice|Total excl|Paid by|Warranty)\b", text), text

    laptop.refresh_from_db()
    assert laptop.state == State.SOLD
    assert PrintJob.objects.count() == 2, "two print actions, two labels"

    figure = (
        f"shop day (sign in, put on sale, reprint, sell, invoice): {walk.actions} actions "
        f"(clicks, scans, fields typed), plus {walk.second_clicks} deliberate second clicks "
        "on submit buttons\n"
    )
    (SCREENSHOTS / "shop-day-actions.txt").write_text(figure)
    print(figure)
    assert walk.actions <= MAX_ACTIONS, figure
