"""The public device page, the counter, scan resolution and the reservation command."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inventory.models import Co2Factor
from inventory.scan import scan_resolve
from refurb.states import State
from shop import services
from shop.models import Reservation, Sale
from tests import factories
from tests.shop.support import NOW, buyer
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- public page --------------------------------------------------------------------------


def test_the_public_page_shows_a_device_on_sale_without_signing_in(client, on_sale, legal, crew):
    from demo.walks import device_advance
    from refurb import services as refurb_services

    device = on_sale(
        grade="A", specs={"ram_gb": 8, "storage_gb": 256, "cpu_generation": 6}, state=State.RECEIVED
    )
    refurb_services.drive_add(device=device, actor=crew.bench, kind="ssd")
    device_advance(device, State.ON_SALE, crew, now=NOW, grade="A")
    response = client.get(f"/d/{device.asset_tag}", **EN)
    text = response.content.decode()
    assert response.status_code == 200
    assert "120.00 €" in text and "190.00 €" in text
    assert "Grade A" in text
    assert "Data erased on" in text and "NIST SP 800-88 Purge" in text
    assert "12 months warranty" in text
    factor = Co2Factor.objects.get(category=device.category)
    assert f"{factor.kg_co2e_per_unit} kg CO2e" in text and "ADEME" in text
    main = re.search(r"<main[^>]*>(.*)</main>", text, re.DOTALL).group(1)
    for name in ("bench", "coach", "shop", "Donateur"):
        assert name not in main
    assert "Donateur" not in text
    assert main.count("<li>") >= 5


def test_the_public_page_shows_no_bench_navigation_when_signed_out(client, on_sale, legal):
    text = client.get(f"/d/{on_sale().asset_tag}", **EN).content.decode()
    assert "topbar__nav" not in text and "Sign out" not in text


def test_a_signed_in_seller_sees_the_shop_navigation_on_the_public_page(client, on_sale, crew):
    client.force_login(crew.shop)
    text = client.get(f"/d/{on_sale().asset_tag}", **EN).content.decode()
    assert reverse("shop:counter") in text


def test_the_public_page_speaks_french_by_default(client, on_sale, legal):
    device = on_sale()
    response = client.get(reverse("shop:public_device", args=[device.asset_tag]))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"


def test_a_device_not_on_sale_only_says_it_is_not_available(client, on_sale):
    device = on_sale(state=State.GRADED)
    text = client.get(f"/d/{device.asset_tag}", **EN).content.decode()
    assert "not available" in text
    assert "€" not in text and "NIST" not in text


def test_an_unknown_tag_is_not_found(client, db):
    assert client.get("/d/LY0009999X").status_code == 404


def test_a_category_without_carbon_factor_shows_no_estimate(client, on_sale):
    Co2Factor.objects.all().delete()
    text = client.get(f"/d/{on_sale().asset_tag}", **EN).content.decode()
    assert "CO2e" not in text


@pytest.mark.parametrize("drives", [0, 3])
def test_the_public_page_runs_a_constant_number_of_queries(
    client, on_sale, legal, crew, drives, django_assert_num_queries
):
    from refurb import services as refurb_services

    device = on_sale(state=State.RECEIVED)
    for _index in range(drives):
        refurb_services.drive_add(device=device, actor=crew.bench, kind="ssd")
    from demo.walks import device_advance

    device_advance(device, State.ON_SALE, crew, now=NOW)
    # 6 for the page (with the system installed, refurb.selectors), 5 for the words it may
    # print (refurb.compliance: the device, its drives, its intake and grading events, its
    # checklist and results), its photos, and its erasures when it has drives.
    with django_assert_num_queries(12 + (1 if drives else 0)):
        assert client.get(f"/d/{device.asset_tag}").status_code == 200


# --- scan resolvers -----------------------------------------------------------------------


def test_a_kit_tag_and_invoice_numbers_resolve(site, on_sale, crew, legal):
    kit = services.kit_assemble(
        site=site, devices=[on_sale(), on_sale("screen")], name="Kit", actor=crew.shop
    )
    assert scan_resolve(kit.tag.lower()).obj == kit
    device = on_sale()
    sale = services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=buyer("public"),
        items=[device],
        payment_method="cash",
        actor=crew.shop,
        now=NOW,
    )
    assert scan_resolve("LY-2026-000001").obj == sale
    note = services.sale_return(
        workstation=factories.bench("shop"),
        sale=sale,
        devices=[device],
        reason="x",
        actor=crew.shop,
        now=NOW,
    )
    result = scan_resolve("ly-av-2026-000001")
    assert (result.kind, result.obj) == ("credit_note", note)


# --- reservations command -----------------------------------------------------------------


def test_expire_reservations_prints_what_it_did(on_sale, crew):
    device = on_sale()
    past = timezone.now() - timedelta(days=10)
    services.reservation_create(
        workstation=factories.bench("shop"),
        device=device,
        buyer=buyer("association"),
        actor=crew.shop,
        now=past,
        expires_at=past + timedelta(days=1),
    )
    out = StringIO()
    call_command("expire_reservations", stdout=out)
    assert f"{device.asset_tag}: reservation for Les Amis du Numérique" in out.getvalue()
    assert "1 reservation(s) expired." in out.getvalue()
    device.refresh_from_db()
    assert device.state == State.ON_SALE
    assert Reservation.objects.get().status == "expired"


# --- counter ------------------------------------------------------------------------------


@pytest.fixture
def clerk_client(client, crew, legal):
    client.force_login(crew.shop)
    crew.stations[WK.SHOP]  # the only shop counter: chosen automatically
    return client


def test_the_counter_needs_a_signed_in_seller(client, crew, make_user):
    assert client.get(reverse("shop:counter")).status_code == 302
    client.force_login(make_user("bench_worker", username="other"))
    assert client.get(reverse("shop:counter")).status_code == 403


def test_a_kit_is_sold_at_the_counter_and_the_invoice_is_printed(site, clerk_client, on_sale, crew):
    kit = services.kit_assemble(
        site=site,
        devices=[on_sale("desktop"), on_sale("screen"), on_sale("peripheral")],
        name="Poste complet",
        actor=crew.shop,
    )
    association = buyer("association")
    clerk_client.post(reverse("shop:counter_scan"), {"code": kit.tag.lower()})
    clerk_client.post(reverse("shop:counter_buyer"), {"buyer": association.pk})
    page = clerk_client.get(reverse("shop:counter"), **EN).content.decode()
    assert kit.tag in page and "68.00 €" in page and "autofocus" in page
    response = clerk_client.post(reverse("shop:counter_complete"), {"payment_method": "cash"})
    sale = Sale.objects.get()
    assert response.url == reverse("shop:sale", args=[sale.pk])
    assert sale.lines.count() == 3
    pdf = clerk_client.get(reverse("shop:sale_invoice", args=[sale.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_refused_sale_shows_why(clerk_client, on_sale):
    device = on_sale()
    clerk_client.post(reverse("shop:counter_scan"), {"code": device.asset_tag})
    clerk_client.post(
        reverse("shop:counter_buyer_new"),
        {"kind": "individual", "name": "Mme C.", "proof_kind": "rsa"},
    )
    response = clerk_client.post(
        reverse("shop:counter_complete"), {"payment_method": "free"}, follow=True, **EN
    )
    assert "is paid by cash, card, cheque or transfer" in response.content.decode()
    assert not Sale.objects.exists()


def test_an_invalid_buyer_is_refused_with_the_field(clerk_client):
    response = clerk_client.post(
        reverse("shop:counter_buyer_new"),
        {"kind": "association", "name": "X", "rna": "W1"},
        follow=True,
        **EN,
    )
    assert "RNA number is W followed by 9 digits" in response.content.decode()


def test_scanning_a_mistyped_tag_shows_the_message(clerk_client, on_sale):
    tag = on_sale().asset_tag
    typo = tag[:-1] + ("0" if tag[-1] != "0" else "1")
    response = clerk_client.post(reverse("shop:counter_scan"), {"code": typo}, follow=True, **EN)
    assert "mistyped" in response.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_the_counter_runs_a_constant_number_of_queries(
    clerk_client, on_sale, count, django_assert_num_queries
):
    for _index in range(count):
        clerk_client.post(reverse("shop:counter_scan"), {"code": on_sale().asset_tag})
    clerk_client.post(reverse("shop:counter_buyer"), {"buyer": buyer("association").pk})
    # 8 + the worker profile (site scoping) + the kits and reservations the sale rule reads
    with django_assert_num_queries(12):  # +1: the parts scanned into the basket
        response = clerk_client.get(reverse("shop:counter"))
    assert response.content.decode().count('class="line"') == count
