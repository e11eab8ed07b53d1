"""The system installed on the shop label (ZPL and PDF), the invoice and the screens, with
hostile names escaped for each output; the managers' licence page (issue 22, part 3)."""

from __future__ import annotations

import pypdfium2
import pytest
from django.urls import reverse

from demo.walks import Crew, device_advance, device_sell
from labels.render.pdf import render_pdf
from labels.render.zpl import render_zpl
from labels.selectors import label_items
from labels.stocks import STOCKS
from labels.templates import shop_label
from refurb import services
from refurb.models import LicenceKey, SystemImage
from refurb.states import State
from shop.invoices import invoice_pdf
from tests import factories
from tests.shop.support import legal_for, make_grid
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db
HOSTILE = "Mint <b>&amp;</b> ^XZ~JA_\n^FO0,0"


@pytest.fixture
def crew(site, bench_worker, coach, shop_staff, manager, station):
    legal_for(site)
    make_grid()
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WK.values},
    )


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.fixture
def hostile_on_sale(site, crew, manager):
    image = services.system_image_create(
        code="hostile", name=HOSTILE, version="1.0", order=0, actor=manager
    )
    device = factories.make_device(site=site, actor=crew.bench, make="HP", model="EliteBook")
    device_advance(device, State.GRADED, crew)
    services.system_install(
        device=device,
        image=image,
        first_boot_passed=True,
        actor=crew.bench,
        workstation=crew.stations[WK.GRADING],
    )
    factories.transition(device=device, to=State.ON_SALE, actor=crew.shop)
    return device


def test_the_shop_label_names_the_system_and_a_hostile_name_cannot_break_the_zpl(
    hostile_on_sale,
):
    [item] = label_items("shop_label", [hostile_on_sale.asset_tag])
    assert item.data.system.startswith("Mint <b>")
    zpl = render_zpl([shop_label(item.data)], STOCKS["zebra-57x32"]).decode()
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1, zpl
    assert "_5EXZ_7EJA_5F" in zpl  # ^ ~ _ as hex escapes, the newline as a space
    assert "\n^FO0,0" not in zpl.split("Syst")[1].split("^FS")[0]


def test_the_pdf_label_prints_a_hostile_system_name_as_text(hostile_on_sale):
    [item] = label_items("shop_label", [hostile_on_sale.asset_tag])
    pdf = render_pdf([shop_label(item.data)], STOCKS["avery-l7160"])
    text = _text(pdf)
    assert "Système" in text and "<b>&amp;</b>" in text.replace("\r", "")


def test_the_invoice_names_the_system_as_plain_text(hostile_on_sale, crew):
    sale = device_sell(hostile_on_sale, crew, now=hostile_on_sale.state_changed_at)
    line = sale.lines.get()
    assert line.system == f"{HOSTILE} 1.0"
    text = _text(invoice_pdf(sale))
    assert "Système installé : Mint <b>&amp;</b> ^XZ~JA_" in text.replace("\r", ""), text


def test_a_device_with_no_system_has_no_system_line(site, crew):
    screen = factories.make_device(site=site, category_code="screen", actor=crew.bench)
    device_advance(screen, State.ON_SALE, crew)
    [item] = label_items("shop_label", [screen.asset_tag])
    assert item.data.system is None
    assert "Système" not in shop_label(item.data).text()


def test_the_device_card_escapes_the_system_name(client, hostile_on_sale, coach, station):
    client.force_login(coach)
    client.post(reverse("bench:workstation"), {"workstation": station(WK.GRADING).pk})
    page = client.get(reverse("bench:device", args=[hostile_on_sale.asset_tag])).content.decode()
    assert "Mint &lt;b&gt;&amp;amp;&lt;/b&gt;" in page
    assert "<b>&amp;</b>" not in page


# --------------------------------------------------------------------------- the licences page


def test_only_managers_reach_the_licences_page_and_see_the_keys(client, site, coach, manager):
    windows = SystemImage.objects.create(
        code="windows-10-pro", name="Windows 10 Pro", version="22H2", licence="key"
    )
    services.licence_keys_load(site=site, image=windows, keys=["WIN10-ABCDE-12345"], actor=manager)
    client.force_login(coach)
    assert client.get(reverse("refurb:licences")).status_code == 403
    client.force_login(manager)
    home = client.get(reverse("bench:workstation")).content.decode()
    assert reverse("refurb:licences") in home, "a manager reaches the page from the top bar"
    page = client.get(reverse("refurb:licences")).content.decode()
    assert "WIN10-ABCDE-12345" in page
    assert "data-left>1<" in page.replace(" ", "")


def test_a_manager_loads_keys_from_the_page_and_a_double_submit_loads_them_once(
    client, site, manager
):
    windows = SystemImage.objects.create(
        code="windows-10-pro", name="Windows 10 Pro", version="22H2", licence="key"
    )
    client.force_login(manager)
    form = {
        "site": site.pk,
        "image": windows.pk,
        "kind": "refurbisher",
        "keys": "AAAAA-11111\r\nBBBBB-22222\r\n\r\n",
        "form_token": "licences-1",
    }
    first = client.post(reverse("refurb:licences"), form)
    second = client.post(reverse("refurb:licences"), form)
    assert first.status_code == second.status_code == 302
    assert sorted(LicenceKey.objects.values_list("key", "kind")) == [
        ("AAAAA-11111", "refurbisher"),
        ("BBBBB-22222", "refurbisher"),
    ]
    again = client.post(reverse("refurb:licences"), {**form, "form_token": "licences-2"})
    assert again.status_code == 200
    assert "Rien n’a été chargé" in again.content.decode()
    assert LicenceKey.objects.count() == 2


def test_a_manager_of_another_site_sees_and_loads_only_their_own_stock(client, site, make_user):
    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    se_manager = make_user("manager", username="se-manager", site=other)
    windows = SystemImage.objects.create(
        code="windows-10-pro", name="Windows 10 Pro", version="22H2", licence="key"
    )
    client.force_login(se_manager)
    client.post(
        reverse("refurb:licences"),
        {"site": site.pk, "image": windows.pk, "kind": "product_key", "keys": "CCCCC-33333"},
    )
    assert list(LicenceKey.objects.values_list("site__code", flat=True)) == ["SE"]


def test_the_public_page_of_a_device_on_sale_names_its_system(client, hostile_on_sale):
    page = client.get(f"/d/{hostile_on_sale.asset_tag}").content.decode()
    assert "Mint &lt;b&gt;&amp;amp;&lt;/b&gt; ^XZ~JA_" in page
    assert "data-system" in page
