"""Personal data: public pages show none; export gives everything; pseudonymise keeps invoices."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from inventory import services as inventory_services
from inventory.models import Donor
from shop import services
from shop.models import Buyer, PaymentMethod, Sale
from shop.services.personal_data import pseudonym
from tests import factories
from tests.shop.support import buyer as make_buyer

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_donor():
    return factories.DonorFactory(
        kind=Donor.Kind.PERSON,
        name="Jeanne Dupontel",
        contact_email="jeanne@example.org",
        address="3 rue des Lilas, Lyon",
    )


@pytest.fixture
def donated(site, crew, on_sale, person_donor):
    crew.bench.first_name, crew.bench.last_name = "Marcel", "Vautrinet"
    crew.bench.save()
    collection = inventory_services.collection_create(donor=person_donor, site=site)
    return on_sale(collection=collection)


@pytest.fixture
def person_sale(site, crew, on_sale, legal):
    person = make_buyer(
        "public",
        actor=crew.shop,
        now=None,
        name="Paul Martineau",
        email="paul@example.org",
        address="8 quai Perrache, Lyon",
    )
    return services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=person,
        items=[on_sale()],
        payment_method=PaymentMethod.CASH,
        actor=crew.shop,
    )


def run(*args) -> str:
    out = StringIO()
    call_command("personal_data", *args, stdout=out)
    return out.getvalue()


def test_the_public_device_page_shows_neither_the_donor_nor_the_operator(client, donated, crew):
    page = client.get(reverse("shop:public_device", args=[donated.asset_tag])).content.decode()
    assert donated.asset_tag in page  # the page is about this device
    for secret in ("Jeanne", "Dupontel", "jeanne@example.org", "Lilas", "Marcel", "Vautrinet"):
        assert secret not in page


def test_export_of_a_buyer_lists_their_data_and_invoices(person_sale):
    data = json.loads(run("export", "--buyer", str(person_sale.buyer.pk)))
    assert data["name"] == "Paul Martineau"
    assert data["email"] == "paul@example.org"
    assert [s["invoice_number"] for s in data["sales"]] == [person_sale.number]
    assert data["sales"][0]["lines"][0]["asset_tag"] == person_sale.lines.get().asset_tag
    assert data["sales"][0]["buyer_as_invoiced"]["name"] == "Paul Martineau"


def test_export_of_a_donor_lists_their_collections_and_devices(donated, person_donor):
    data = json.loads(run("export", "--donor", str(person_donor.pk)))
    assert (data["name"], data["email"]) == ("Jeanne Dupontel", "jeanne@example.org")
    assert [d["asset_tag"] for d in data["devices"]] == [donated.asset_tag]
    assert len(data["collections"]) == 1


def test_pseudonymising_a_buyer_keeps_the_invoice_as_issued(person_sale):
    buyer = person_sale.buyer
    out = run("pseudonymise", "--buyer", str(buyer.pk))
    buyer.refresh_from_db()
    assert buyer.name == pseudonym("buyer", buyer.pk) and buyer.name in out
    assert (buyer.email, buyer.address) == ("", "")
    sale = Sale.objects.get(pk=person_sale.pk)
    assert sale.buyer_snapshot["name"] == "Paul Martineau"  # legal retention (10 years)
    assert sale.number == person_sale.number


def test_the_pseudonym_is_stable(person_sale):
    run("pseudonymise", "--buyer", str(person_sale.buyer.pk))
    first = Buyer.objects.get(pk=person_sale.buyer.pk).name
    run("pseudonymise", "--buyer", str(person_sale.buyer.pk))
    assert Buyer.objects.get(pk=person_sale.buyer.pk).name == first


def test_pseudonymising_a_donor_clears_name_email_and_address(donated, person_donor):
    run("pseudonymise", "--donor", str(person_donor.pk))
    person_donor.refresh_from_db()
    assert person_donor.name.startswith("Pseudonyme ")
    assert (person_donor.contact_email, person_donor.address) == ("", "")
    assert "Jeanne" not in run("export", "--donor", str(person_donor.pk))


def test_an_organisation_is_not_pseudonymised(crew, legal):
    association = make_buyer("association", actor=crew.shop, now=None)
    with translation.override("en"), pytest.raises(CommandError, match="organisation"):
        run("pseudonymise", "--buyer", str(association.pk))
    association.refresh_from_db()
    assert association.name == "Les Amis du Numérique"


def test_an_unknown_id_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No buyer"):
        run("export", "--buyer", "999999")
