"""Donors reachable: a list and a page for managers, with a certificate button where one can
be issued."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.walks import Crew, device_advance, device_make_safe
from inventory import services as inventory_services
from refurb.states import State
from tests import factories
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WK.values},
    )


@pytest.fixture
def donor_with_devices(site, crew):
    donor = factories.DonorFactory(name="Mairie de Villeurbanne")
    collection = inventory_services.collection_create(donor=donor, site=site)
    safe = factories.make_device(site=site, actor=crew.bench, collection=collection)
    device_make_safe(safe, crew, now=timezone.now())
    device_advance(safe, State.WIPED, crew)
    pending = factories.make_device(site=site, actor=crew.bench, collection=collection)
    return donor, collection, safe, pending


def test_the_manager_bar_links_to_the_donor_list(client, manager):
    client.force_login(manager)
    page = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:donors") in page


def test_the_donor_list_links_each_donor_page(client, manager, donor_with_devices):
    donor, *_rest = donor_with_devices
    client.force_login(manager)
    page = client.get(reverse("reports:donors")).content.decode()
    assert reverse("reports:donor", args=[donor.pk]) in page and donor.name in page
    found = client.get(reverse("reports:donors"), {"q": "villeur"}).content.decode()
    assert donor.name in found
    assert donor.name not in client.get(reverse("reports:donors"), {"q": "zzz"}).content.decode()


def test_the_donor_page_offers_a_certificate_for_safe_devices_only(
    client, manager, donor_with_devices
):
    donor, collection, safe, pending = donor_with_devices
    client.force_login(manager)
    page = client.get(reverse("reports:donor", args=[donor.pk])).content.decode()
    assert f'data-issue-certificate="{safe.asset_tag}"' in page
    assert f'data-issue-certificate="{pending.asset_tag}"' not in page
    # The collection's certificate covers the devices done so far and names the pending one.
    assert f'data-issue-certificate="{collection.tag}"' in page
    assert f'data-pending="{collection.tag}"' in page
    pdf = client.get(reverse("refurb:certificate-device", args=[safe.asset_tag]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_collection_whose_devices_are_all_safe_offers_its_certificate(
    client, manager, crew, donor_with_devices
):
    donor, collection, _safe, pending = donor_with_devices
    device_make_safe(pending, crew, now=timezone.now())
    client.force_login(manager)
    page = client.get(reverse("reports:donor", args=[donor.pk])).content.decode()
    assert f'data-issue-certificate="{collection.tag}"' in page


def test_donor_pages_are_for_managers(bench_worker, donor_with_devices):
    donor, *_rest = donor_with_devices
    client = Client()
    client.force_login(bench_worker)
    assert client.get(reverse("reports:donors")).status_code == 403
    assert client.get(reverse("reports:donor", args=[donor.pk])).status_code == 403


def test_an_issued_certificate_is_offered_to_download_with_its_code_in_as_many_queries(
    client, manager, crew, site, donor_with_devices, django_assert_num_queries
):
    donor, _collection, safe, pending = donor_with_devices
    client.force_login(manager)
    url = reverse("reports:donor", args=[donor.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        page = client.get(url).content.decode()
    queries = len(before.captured_queries)  # read now: the next request empties the log
    assert 'data-certificate-issued="' not in page and "Émettre le certificat" in page
    client.get(reverse("refurb:certificate-device", args=[safe.asset_tag]))  # issues it
    from refurb.models import Certificate

    code = Certificate.objects.get(device=safe).code
    with django_assert_num_queries(queries):
        page = client.get(url).content.decode()
    assert f'data-certificate-issued="{code}"' in page and f"code {code}" in page
    assert "Télécharger le certificat" in page
    assert 'data-certificate-issued="" ' not in page
    assert pending.asset_tag in page
