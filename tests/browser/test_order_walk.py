"""An association orders online, in French, clicking: sign-up, e-mail link, approval by shop
staff, a laptop and a kit reserved and ordered, prepared by scanning, handed over, and the
invoice e-mailed with its PDF.

Two browsers (the association's and the shop's), every submit clicked twice (one effect each
time: the form tokens), the confirmation link read from the loopback SMTP server, screenshots
in ``var/screenshots/order-*.png``.
"""

from __future__ import annotations

import re

import pytest

from demo.walks import Crew, device_advance
from refurb.states import State
from shop import services
from shop.models import BuyerAccount, Order, OrderLine, Reservation, Sale
from tests import factories
from tests.browser.conftest import SCREENSHOTS, settle
from tests.shop.support import legal_for, make_grid
from workshop import roles
from workshop.models import WorkstationKind as WK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Solidaire-2026!"


@pytest.fixture
def shop_world():
    site = factories.SiteFactory(code="LY", name="Atelier de Lyon")
    legal_for(site)
    make_grid()
    users = {
        role: factories.UserFactory(username=name, roles=[role], site=site)
        for name, role in [
            ("salome", roles.BENCH_WORKER),
            ("claire", roles.COACH),
            ("lucas", roles.SHOP),
        ]
    }
    manager = factories.UserFactory(username="nadia", roles=[roles.MANAGER])
    stations = {
        kind: factories.WorkstationFactory(site=site, kind=kind, name=f"Poste {kind}")
        for kind in WK.values
    }
    crew = Crew(
        bench=users[roles.BENCH_WORKER],
        coach=users[roles.COACH],
        shop=users[roles.SHOP],
        manager=manager,
        stations=stations,
    )

    def on_sale(category, make, model, serial):
        device = factories.make_device(
            site=site,
            category_code=category,
            actor=crew.bench,
            make=make,
            model=model,
            serial_number=serial,
        )
        device_advance(device, State.ON_SALE, crew, grade="B")
        return device

    laptop = on_sale("laptop", "Lenovo", "ThinkPad T480", "SN-T480")
    kit_devices = [
        on_sale("desktop", "HP", "ProDesk 400", "SN-PD400"),
        on_sale("screen", "Iiyama", "ProLite", "SN-IIY"),
    ]
    kit = services.kit_assemble(
        site=site, devices=kit_devices, name="Poste complet", actor=crew.shop
    )
    return {"site": site, "laptop": laptop, "kit": kit, "staff": crew.shop}


def _new_page(chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, locale="fr-FR", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def twice(page, selector):
    """Click a submit button twice, 40 ms apart, as an impatient hand does."""
    page.locator(selector).first.evaluate(
        "b => { b.click(); setTimeout(() => { if (b.isConnected) b.click(); }, 40); }"
    )
    page.wait_for_load_state("networkidle")
    settle(page)


# Raw codes and English words that must never show on these French screens.
RAW = re.compile(
    r"\b(added|placed|picked|ready|handed_over|basket|Basket|Order|Reserve|Sign in|approved|"
    r"review|pickup|delivery|solidarity)\b"
)


def shot(page, name):
    found = sorted(set(RAW.findall(page.inner_text("main"))))
    assert not found, f"{name}: raw codes or English on screen: {found}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"order-{name}.png"), full_page=True)


@pytest.mark.slow(11)
def test_an_association_signs_up_orders_a_laptop_and_a_kit_and_gets_its_invoice(
    chromium, live_server, shop_world, smtp_server
):
    site, laptop, kit = shop_world["site"], shop_world["laptop"], shop_world["kit"]
    asso_context, asso = _new_page(chromium, live_server)
    shop_context, shop = _new_page(chromium, live_server)
    try:
        # The association signs up.
        asso.goto("/account/signin/")
        asso.click("[data-nav=signup]")
        asso.select_option("#id_site", str(site.pk))
        asso.select_option("#id_kind", "association")
        asso.fill("#id_legal_name", "Entraide <Numérique> Croix-Rousse")
        asso.fill("#id_rna", "W 691 000 017")
        asso.fill("#id_contact_name", "Camille Martin")
        asso.fill("#id_email", "camille@entraide.example.org")
        asso.fill("#id_password", PASSWORD)
        shot(asso, "01-signup")
        twice(asso, "[data-submit=signup]")
        assert asso.locator("#signup-sent").is_visible()
        assert BuyerAccount.objects.count() == 1
        # Its e-mail address, confirmed by the link the loopback SMTP server received.
        [mail] = smtp_server.wait(1)
        assert mail["To"] == "camille@entraide.example.org"
        text = mail.get_body(("plain",)).get_content()
        link = re.search(r"https?://\S+/account/confirm/\S+/", text).group(0)
        asso.goto(link)
        assert asso.locator("#email-confirmed").is_visible()

        # Shop staff approve it from their screens.
        shop.goto("/")
        shop.click("summary")
        shop.fill("#id_pw-username", "lucas")
        shop.fill("#id_pw-password", "correct-horse-battery")
        twice(shop, "form:has(input[name=method][value=password]) button[type=submit]")
        shop.click("[data-nav=online-orders]")
        shop.click("[data-nav=accounts]")
        shop.click("text=Entraide <Numérique> Croix-Rousse")
        shot(shop, "02-review")
        twice(shop, "[data-submit=decide]")
        account = BuyerAccount.objects.get()
        assert account.status == "approved" and account.buyer.tier == "solidarity"
        smtp_server.wait(2)

        # The association signs in, reserves a laptop and the kit, and orders.
        asso.click("text=Se connecter")
        asso.fill("#id_username", "camille@entraide.example.org")
        asso.fill("#id_password", PASSWORD)
        twice(asso, "[data-submit=signin]")
        # It browses the catalogue from its top bar, reserves from the catalogue's cards.
        asso.click("[data-nav=offers]")
        assert asso.url.rstrip("/").endswith("/catalogue")
        shot(asso, "03-offers")
        twice(asso, "[data-reserve='laptop/Lenovo/ThinkPad T480/B']")
        assert Reservation.objects.filter(device=laptop, status="active").count() == 1
        asso.click("[data-nav=offers]")
        twice(asso, f"[data-reserve='{kit.tag}']")
        asso.click("[data-nav=basket]")
        assert OrderLine.objects.count() == 3  # the laptop and the kit's two devices, once each
        shot(asso, "04-basket")
        twice(asso, "[data-submit=place]")
        order = Order.objects.get()
        assert order.status == "placed"
        assert asso.locator("#order-status[data-status=placed]").is_visible()

        # Shop staff prepare it by scanning, then hand it over.
        shop.click("[data-nav=online-orders]")
        shop.click(f"text={order.number}")
        for code in (laptop.asset_tag, kit.tag):
            shop.locator("#scan-code").fill(code)
            shop.keyboard.press("Enter")
            shop.wait_for_load_state("networkidle")
            settle(shop)
        assert shop.locator("#order-status[data-status=ready]").is_visible()
        shot(shop, "05-ready")
        twice(shop, "[data-submit=hand-over]")
        order.refresh_from_db()
        assert order.status == "handed_over"
        assert Sale.objects.count() == 1 and order.sale.lines.count() == 3
        shot(shop, "06-handed-over")

        # The invoice arrives by e-mail, its PDF attached.
        messages = smtp_server.wait(5)
        invoice = next(m for m in messages if order.sale.number in m["Subject"])
        [pdf] = list(invoice.iter_attachments())
        assert pdf.get_content()[:5] == b"%PDF-"
        asso.click("[data-nav=account]")
        assert asso.locator(f"[data-invoice='{order.sale.number}']").is_visible()
        shot(asso, "07-account")
    finally:
        asso_context.close()
        shop_context.close()
