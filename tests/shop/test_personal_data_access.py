"""Personal data is read by those who need it, at their site only (issue 16, hole 4).

On main, ``GET /api/donors/?kind=person`` with any workstation token of any site returned
private donors' names, e-mails and addresses, and a manager of one site read the other site's
buyers, reservations, credit notes and sale lines in the admin.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from inventory import services as inventory_services
from inventory.models import Donor
from shop.models import Buyer
from shop.services import buyer_create
from tests import factories
from workshop import roles
from workshop.admin import SiteScopedAdminMixin
from workshop.models import WorkstationKind
from workshop.services import workstation_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(db):
    return factories.SiteFactory(code="LY"), factories.SiteFactory(code="SE")


@pytest.fixture
def donors(two_sites):
    lyon, other = two_sites
    made = {}
    for site, name in ((lyon, "Mme Dupont"), (other, "M. Nguyen")):
        donor = inventory_services.donor_create(
            kind=Donor.Kind.PERSON, name=name, contact_email="x@example.org"
        )
        inventory_services.collection_create(donor=donor, site=site)
        made[site.code] = donor
    made["company"] = inventory_services.donor_create(kind=Donor.Kind.COMPANY, name="Banque")
    return made


def names(client) -> set[str]:
    response = client.get("/api/donors/", {"kind": "person", "page_size": 100})
    assert response.status_code == 200
    return {row["name"] for row in response.json()["results"]}


@pytest.mark.parametrize("kind", [WorkstationKind.INTAKE, WorkstationKind.SHOP])
def test_a_workstation_token_reads_no_private_donor(two_sites, donors, kind):
    station = factories.WorkstationFactory(site=two_sites[0], kind=kind)
    _token, key = workstation_token_create(workstation=station)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert names(client) == set()
    assert client.get(f"/api/donors/{donors['LY'].pk}/").status_code == 404


@pytest.mark.parametrize("role", [roles.BENCH_WORKER, roles.COACH, roles.SHOP])
def test_other_roles_read_no_private_donor(two_sites, donors, make_user, role):
    client = APIClient()
    client.force_login(make_user(role, username="someone", site=two_sites[0]))
    assert names(client) == set()
    response = client.get("/api/donors/", {"page_size": 100})
    assert {row["name"] for row in response.json()["results"]} == {"Banque"}


def test_a_manager_reads_the_private_donors_of_their_site_only(two_sites, donors, make_user):
    client = APIClient()
    client.force_login(make_user(roles.MANAGER, username="nadia", site=two_sites[0]))
    assert names(client) == {"Mme Dupont"}
    network = APIClient()
    network.force_login(make_user(roles.MANAGER, username="network"))
    assert names(network) == {"Mme Dupont", "M. Nguyen"}


def test_a_site_manager_reads_only_their_sites_buyers_in_the_admin(two_sites, make_user):
    lyon, other = two_sites
    for site, name in ((lyon, "Mme Diallo"), (other, "Mme Rossi")):
        buyer_create(kind=Buyer.Kind.PUBLIC, name=name, actor=None, site=site)
    client = Client()
    client.force_login(make_user(roles.MANAGER, username="nadia", site=lyon, is_staff=True))
    page = client.get(reverse("admin:shop_buyer_changelist")).content.decode()
    assert "Mme Diallo" in page and "Mme Rossi" not in page


SITE_BOUND = [
    "shop.Reservation",
    "shop.CreditNote",
    "shop.CreditNoteLine",
    "shop.SaleLine",
    "shop.Kit",
    "shop.KitItem",
    "shop.DevicePrice",
    "shop.DocumentCounter",
    "shop.SiteLegal",
]


@pytest.mark.parametrize("label", SITE_BOUND)
def test_site_bound_shop_records_are_scoped_in_the_admin(label, two_sites, make_user):
    from django.apps import apps

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, SiteScopedAdminMixin)
    request = type("R", (), {})()
    request.user = make_user(roles.MANAGER, username="nadia", site=two_sites[0])
    sql = str(model_admin.get_queryset(request).query)
    assert "site_id" in sql and "IN" in sql
