"""The public catalogue: offers grouped by category, make, model, grade and site; filters;
plain-French specs; the « reconditionné » words of refurb.compliance; no serial, donor or
person; a constant number of queries."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from inventory import services as inventory_services
from inventory.models import Co2Factor
from refurb.compliance import device_claim
from refurb.states import State
from shop import services as shop_services
from shop.models import CatalogueOffer, CatalogueUnit
from shop.models import catalogue as rank
from shop.services.catalogue import _summarise, catalogue_rebuild
from tests import factories

pytestmark = pytest.mark.django_db

SPECS = {
    "cpu_model": "Intel Core i5-8350U",
    "ram_gb": 8,
    "storage_gb": 256,
    "storage_kind": "ssd",
    "screen_inches": 14,
    "battery_health_pct": 85,
}
HOSTILE_SERIAL = "<script>alert('sn')</script>SN-HOSTILE-42"
HOSTILE_DONOR = "=cmd|' /C calc'!A0 Donateur <b>Secret</b>"


def text(response) -> str:
    html = response.content.decode()
    # Only ASCII white space: the narrow no-break spaces of French typography stay.
    flat = re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return flat.replace(" \u202f", "\u202f")


def page(client, **query):
    response = client.get(reverse("shop:catalogue"), query)
    assert response.status_code == 200
    return response


@pytest.fixture
def stock(on_sale, legal):
    """Two ThinkPads B, one ThinkPad A, one OptiPlex B, a screen; a graded laptop not on sale."""
    made = {
        "t470_1": on_sale(make="Lenovo", model="ThinkPad T470", grade="B", specs=SPECS),
        "t470_2": on_sale(make="Lenovo", model="ThinkPad T470", grade="B", specs=SPECS),
        "t470_a": on_sale(make="Lenovo", model="ThinkPad T470", grade="A", specs=SPECS),
        "optiplex": on_sale(
            category="desktop",
            make="Dell",
            model="OptiPlex 7010",
            specs={"cpu_model": "Intel Core i3-3220", "ram_gb": 4, "storage_gb": 500},
        ),
        "screen": on_sale(category="screen", make="Iiyama", model="ProLite", specs={}),
        "graded": on_sale(make="HP", model="ProBook 430", state=State.GRADED, specs=SPECS),
    }
    catalogue_rebuild()
    return made


def test_devices_on_sale_are_grouped_by_category_make_model_grade_and_site(client, stock):
    offers = {
        (o.category.code, o.make, o.model, o.grade.code, o.site.code): o.units
        for o in CatalogueOffer.objects.select_related("category", "grade", "site")
    }
    assert offers == {
        ("laptop", "Lenovo", "ThinkPad T470", "B", "LY"): 2,
        ("laptop", "Lenovo", "ThinkPad T470", "A", "LY"): 1,
        ("desktop", "Dell", "OptiPlex 7010", "B", "LY"): 1,
        ("screen", "Iiyama", "ProLite", "B", "LY"): 1,
    }
    shown = text(page(client))
    assert "4 offres" in shown
    assert "ProBook" not in shown  # graded, not on sale


def test_a_sold_or_reserved_device_leaves_the_catalogue_when_its_transaction_commits(
    stock, crew, django_capture_on_commit_callbacks
):
    from tests.shop.support import buyer

    association = buyer(actor=crew.shop)
    with django_capture_on_commit_callbacks(execute=True):
        shop_services.reservation_create(
            device=stock["t470_1"],
            buyer=association,
            actor=crew.shop,
            workstation=factories.bench("shop"),
        )
    offer = CatalogueOffer.objects.get(model="ThinkPad T470", grade__code="B")
    assert offer.units == 1
    assert not CatalogueUnit.objects.filter(device=stock["t470_1"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        shop_services.reservation_create(
            device=stock["t470_2"],
            buyer=association,
            actor=crew.shop,
            workstation=factories.bench("shop"),
        )
    assert not CatalogueOffer.objects.filter(model="ThinkPad T470", grade__code="B").exists()


def test_a_device_put_on_sale_joins_its_offer_at_commit(
    on_sale, legal, crew, django_capture_on_commit_callbacks
):
    device = on_sale(make="Lenovo", model="ThinkPad T470", state=State.GRADED, specs=SPECS)
    assert not CatalogueOffer.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        factories.transition(device=device, to=State.ON_SALE, actor=crew.shop)
    assert CatalogueOffer.objects.get().units == 1


def test_sold_or_drive_found_devices_leave_the_catalogue_and_an_ended_reservation_returns(
    stock, crew, site, django_capture_on_commit_callbacks
):
    from refurb import services as refurb_services
    from tests.shop.support import buyer

    association = buyer(actor=crew.shop)
    with django_capture_on_commit_callbacks(execute=True):
        reservation = shop_services.reservation_create(
            device=stock["t470_1"],
            buyer=association,
            actor=crew.shop,
            workstation=factories.bench("shop"),
        )
    assert not CatalogueUnit.objects.filter(device=stock["t470_1"]).exists()
    # Reserved → on sale: a move into on_sale (its from_state is not on_sale).
    with django_capture_on_commit_callbacks(execute=True):
        shop_services.reservation_release(
            reservation=reservation, actor=crew.shop, workstation=factories.bench("shop")
        )
    assert CatalogueUnit.objects.filter(device=stock["t470_1"]).exists()
    assert CatalogueOffer.objects.get(model="ThinkPad T470", grade__code="B").units == 2
    with django_capture_on_commit_callbacks(execute=True):
        shop_services.sale_complete(
            site=site,
            buyer=association,
            items=[stock["t470_a"]],
            payment_method="cash",
            actor=crew.shop,
            workstation=crew.stations["shop"],
        )
    assert not CatalogueOffer.objects.filter(model="ThinkPad T470", grade__code="A").exists()
    # A drive recorded after the fact sends the device back to be erased: it leaves sale.
    with django_capture_on_commit_callbacks(execute=True):
        refurb_services.drive_add(device=stock["optiplex"], actor=crew.bench)
    stock["optiplex"].refresh_from_db()
    assert stock["optiplex"].state == State.RECEIVED
    assert not CatalogueOffer.objects.filter(model="OptiPlex 7010").exists()


def test_an_event_of_a_device_on_sale_refreshes_it_and_one_never_listed_schedules_nothing(
    stock, crew, django_capture_on_commit_callbacks
):
    from refurb import services as refurb_services
    from refurb.models import DeviceEvent
    from shop.catalogue_sync import concerns_catalogue

    # A correction of a device on sale (no state change) shows at once.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refurb_services.device_update(
            device=stock["screen"], actor=crew.manager, model="ProLite XUB", reason="typo"
        )
    assert len(callbacks) == 1
    assert CatalogueOffer.objects.filter(model="ProLite XUB").exists()
    assert not CatalogueOffer.objects.filter(model="ProLite").exists()
    # The graded laptop is not on sale: its correction schedules no refresh at all.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refurb_services.device_update(
            device=stock["graded"], actor=crew.manager, model="ProBook 440", reason="typo"
        )
    assert callbacks == []
    # The rule reads only what the event knows (no query).
    graded = stock["graded"]
    cases = {
        ("tested", "in_repair", "in_repair"): False,
        ("", "", "graded"): False,
        ("graded", "on_sale", "on_sale"): True,
        ("on_sale", "reserved", "reserved"): True,
        ("", "", "on_sale"): True,
    }
    for (before, after, state), expected in cases.items():
        graded.state = state
        event = DeviceEvent(device=graded, code="transition", from_state=before, to_state=after)
        assert concerns_catalogue(event) is expected, (before, after, state)


def test_the_offer_page_says_the_specs_grade_prices_warranty_and_co2e_in_french(client, stock):
    Co2Factor.objects.update_or_create(
        category=factories.category("laptop"),
        defaults={"kg_co2e_per_unit": Decimal("156.00"), "source": "ADEME 2022"},
    )
    offer = CatalogueOffer.objects.get(model="ThinkPad T470", grade__code="B")
    response = client.get(reverse("shop:catalogue_offer", args=[offer.pk]))
    assert response.status_code == 200
    shown = text(response)
    for expected in (
        "Lenovo ThinkPad T470",
        "Processeur\u202f: Intel Core i5-8350U",
        "Mémoire\u202f: 8\u00a0Go",
        "Stockage\u202f: SSD 256\u00a0Go",
        "Écran\u202f: 14\u00a0pouces",
        "Santé de la batterie\u202f: 85\u00a0%",
        "Grade B",
        factories.grade("B").criteria[:30],
        "70,00\u202f€",  # the grid's solidarity price (tests.shop.support.make_grid)
        "120,00\u202f€",
        "Garantie 12 mois, pièces et main-d'œuvre.",
        "156,00 kg CO2e",
        "ADEME 2022",
        "Atelier de Lyon\u202f: 2",
    ):
        assert expected in shown, expected


def test_the_offer_page_shows_the_same_model_and_grade_at_the_other_sites(
    client, stock, crew, grid
):
    from demo.walks import Crew, device_advance
    from tests.shop.support import NOW, legal_for
    from workshop.models import WorkerProfile, WorkstationKind

    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    legal_for(other)
    worker = factories.UserFactory(username="karim-se")
    WorkerProfile.objects.update_or_create(user=worker, defaults={"site": other})
    se_crew = Crew(
        bench=worker,
        coach=crew.manager,
        shop=crew.manager,
        manager=crew.manager,
        stations={kind: factories.bench(kind, other) for kind in WorkstationKind.values},
    )
    roles = factories.UserFactory._meta.model.objects.get(pk=worker.pk)
    from django.contrib.auth.models import Group

    from workshop.roles import BENCH_WORKER

    roles.groups.add(Group.objects.get_or_create(name=BENCH_WORKER)[0])
    device = factories.make_device(
        site=other, actor=worker, make="Lenovo", model="ThinkPad T470", specs=SPECS
    )
    device_advance(device, State.ON_SALE, se_crew, now=NOW.replace(day=1), grade="B")
    catalogue_rebuild()
    offer = CatalogueOffer.objects.get(model="ThinkPad T470", grade__code="B", site__code="LY")
    shown = text(client.get(reverse("shop:catalogue_offer", args=[offer.pk])))
    assert "Atelier de Lyon\u202f: 2" in shown
    assert "Atelier de Saint-Étienne\u202f: 1" in shown
    assert len(text(page(client, site="SE")).split("ThinkPad T470")) == 2


@pytest.mark.parametrize(
    ("query", "models"),
    [
        ({}, {"ThinkPad T470", "OptiPlex 7010", "ProLite"}),
        ({"category": "desktop"}, {"OptiPlex 7010"}),
        ({"grade": "A"}, {"ThinkPad T470"}),
        ({"ram": "8"}, {"ThinkPad T470"}),
        ({"storage": "500"}, {"OptiPlex 7010"}),
        ({"price_max": "50"}, {"OptiPlex 7010", "ProLite"}),
        ({"price_max": "15,00"}, {"ProLite"}),
        ({"q": "optiplex"}, {"OptiPlex 7010"}),
        ({"q": "i5-8350u lenovo"}, {"ThinkPad T470"}),
        ({"site": "SE"}, set()),
        ({"category": "laptop", "grade": "C"}, set()),
        (
            {"ram": "not a number", "price_max": "abc"},
            {"ThinkPad T470", "OptiPlex 7010", "ProLite"},
        ),
    ],
)
def test_the_filters_narrow_the_offers(client, stock, query, models):
    response = page(client, **query)
    found = {view.model for view in response.context["cat"].offers}
    assert found == models


def test_the_system_filter_keeps_the_offers_with_that_system_installed(client, stock):
    laptops = {view.model for view in page(client, system="Linux Mint 22.1").context["cat"].offers}
    assert laptops == {"ThinkPad T470", "OptiPlex 7010"}
    assert page(client, system="Windows 95").context["cat"].offers == []
    assert "Linux Mint 22.1" in text(page(client))


def test_no_serial_number_donor_tag_or_person_reaches_the_catalogue(client, on_sale, legal, crew):
    donor = factories.DonorFactory(name=HOSTILE_DONOR)
    collection = inventory_services.collection_create(
        donor=donor, site=factories.SiteFactory._meta.model.objects.get(code="LY")
    )
    device = on_sale(
        make="<script>alert('make')</script>Lenovo",
        model="T470 <img src=x onerror=alert(1)>",
        serial_number=HOSTILE_SERIAL,
        collection=collection,
        specs={**SPECS, "cpu_model": "=cmd|' /C calc'!A0"},
    )
    catalogue_rebuild()
    offer = CatalogueOffer.objects.get()
    pages = [
        client.get(reverse("shop:catalogue")),
        client.get(reverse("shop:catalogue_offer", args=[offer.pk])),
        client.get(reverse("shop:catalogue"), {"q": "lenovo"}),
    ]
    people = [crew.bench, crew.coach, crew.shop, crew.manager]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "SN-HOSTILE" not in html
        assert "Secret" not in html and "Donateur" not in html
        assert device.asset_tag not in html
        assert "<script>alert" not in html and "<img src=x" not in html
        for person in people:
            assert f">{person.username}<" not in html
            for name in (person.get_full_name(), person.last_name):
                if name:
                    assert name not in html
        assert "&lt;script&gt;alert(&#x27;make&#x27;)&lt;/script&gt;Lenovo" in html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in pages[1].content.decode()


def test_every_offer_carries_the_order_actions_with_its_key_fields(client, stock, crew):
    kit = shop_services.kit_assemble(
        site=stock["optiplex"].site,
        devices=[stock["optiplex"], stock["screen"]],
        name="Poste complet",
        actor=crew.shop,
    )
    catalogue_rebuild()
    html = page(client).content.decode()
    actions = re.findall(r"<div class=\"offer-actions\"[^>]*>", html)
    assert len(actions) == 3  # two ThinkPad offers and the kit
    assert (
        'data-category="laptop" data-make="Lenovo" data-model="ThinkPad T470" data-grade="B" '
        'data-site="LY"' in html
    )
    assert f'data-kit="{kit.tag}"' in html
    # Signed out, each offer offers to sign in to reserve, or to open an account (orders).
    assert html.count("data-reserve-signin") == 3
    assert "Connectez-vous pour réserver" in html and "Ouvrir un compte" in html
    offer = CatalogueOffer.objects.get(kit=kit)
    detail = client.get(reverse("shop:catalogue_offer", args=[offer.pk]))
    assert f'data-kit="{kit.tag}"' in detail.content.decode()
    shown = text(detail)
    assert "Dell OptiPlex 7010" in shown and "Iiyama ProLite" in shown
    assert "65,00\u202f€" in shown  # the kit's price: the sum of its devices' solidarity prices


def test_the_offer_says_only_the_words_every_unit_may_carry(stock):
    device = stock["t470_1"]
    assert device_claim(device) == "Reconditionné en France"
    offer = CatalogueOffer.objects.get(model="ThinkPad T470", grade__code="B")
    assert offer.claim_rank == rank.CLAIM_FRANCE
    CatalogueUnit.objects.filter(device=stock["t470_2"]).update(claim_rank=rank.CLAIM_REFURBISHED)
    _summarise({offer.pk})
    offer.refresh_from_db()
    assert offer.claim_rank == rank.CLAIM_REFURBISHED
    CatalogueUnit.objects.filter(device=stock["t470_2"]).update(claim_rank=rank.CLAIM_NONE)
    _summarise({offer.pk})
    offer.refresh_from_db()
    assert offer.claim_rank == rank.CLAIM_NONE


def test_the_words_on_the_catalogue_are_those_of_refurb_compliance(client, stock):
    from refurb.compliance import devices_claims

    claims = devices_claims([stock["optiplex"], stock["screen"]])
    offer = CatalogueOffer.objects.get(model="OptiPlex 7010")
    shown = text(client.get(reverse("shop:catalogue_offer", args=[offer.pk])))
    assert claims[stock["optiplex"].pk] == "Reconditionné en France"
    assert "Reconditionné en France" in shown
    # A site abroad: the same checks give « Reconditionné » only, in the shop label's words.
    site = stock["optiplex"].site
    site.country = "BE"
    site.save()
    catalogue_rebuild()
    shown = text(
        client.get(
            reverse(
                "shop:catalogue_offer", args=[CatalogueOffer.objects.get(model="OptiPlex 7010").pk]
            )
        )
    )
    assert device_claim(stock["optiplex"]) == "Reconditionné"
    assert "Reconditionné en France" not in shown
    assert "Reconditionné" in shown


def test_an_offer_without_photos_shows_a_placeholder(client, stock):
    html = page(client).content.decode()
    assert html.count("data-no-photo") >= 3


def test_an_unknown_or_empty_offer_is_a_404(client, stock):
    assert client.get(reverse("shop:catalogue_offer", args=[999999])).status_code == 404


def test_the_catalogue_is_linked_from_the_public_pages(client):
    for url in (reverse("refurb:verify-index"), reverse("bench:signin")):
        html = client.get(url).content.decode()
        assert reverse("shop:catalogue") in html, url


def test_the_catalogue_page_reads_a_constant_number_of_queries(
    client, on_sale, legal, django_assert_num_queries
):
    """Nine queries: the count and the page of offers, CO2e factors, warranties, parts on
    sale, and the filter form's categories, grades, sites and systems. A memory, storage,
    grade or system filter skips the parts (eight)."""
    on_sale(make="Lenovo", model="ThinkPad T470", specs=SPECS)
    catalogue_rebuild()
    url = reverse("shop:catalogue")
    client.get(url)
    with django_assert_num_queries(9):
        client.get(url)
    for number in range(6):
        on_sale(make="Dell", model=f"Latitude {number}", specs=SPECS)
    catalogue_rebuild()
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["cat"].offers) == 7
    with django_assert_num_queries(8):
        response = client.get(url, {"ram": "8", "q": "latitude"})
    assert len(response.context["cat"].offers) == 6


def test_the_offer_page_reads_a_constant_number_of_queries(
    client, on_sale, legal, crew, django_assert_num_queries
):
    first = on_sale(make="Lenovo", model="ThinkPad T470", specs=SPECS)
    catalogue_rebuild()
    offer = CatalogueOffer.objects.get()
    url = reverse("shop:catalogue_offer", args=[offer.pk])
    with django_assert_num_queries(5):
        client.get(url)
    for _number in range(5):
        on_sale(make="Lenovo", model="ThinkPad T470", specs=SPECS)
    catalogue_rebuild()
    offer = CatalogueOffer.objects.get()
    with django_assert_num_queries(5):
        response = client.get(reverse("shop:catalogue_offer", args=[offer.pk]))
    assert "Atelier de Lyon\u202f: 6" in text(response)
    assert first.pk


def test_the_catalogue_answers_in_french_on_a_phone_width(client, stock):
    html = page(client).content.decode()
    assert 'name="viewport"' in html
    assert "Catalogue solidaire" in html
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", html.split("<main")[0])
