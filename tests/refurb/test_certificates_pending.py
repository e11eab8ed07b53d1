"""A collection certificate covers the devices done so far and names those still pending."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.services import collection_create
from refurb.certificates.services import certificate_issue, certificate_verify
from refurb.models import Certificate
from tests import factories
from tests.refurb.test_certificates import add_drive, pdf_text
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user):
    return make_user("bench_worker", username="sbernard", first_name="Salomé", last_name="Bernard")


@pytest.fixture
def donor_collection(site):
    donor = factories.DonorFactory(name="Mairie de Villeurbanne", kind="public_body")
    return collection_create(donor=donor, site=site)


@pytest.fixture
def half_done(site, operator, donor_collection):
    """Two laptops erased, one whose drive is not erased yet."""
    done = []
    for serial in ("DONE-1", "DONE-2"):
        device = factories.make_device(site=site, actor=operator, collection=donor_collection)
        add_drive(device, operator, serial)
        done.append(device)
    waiting = factories.make_device(site=site, actor=operator, collection=donor_collection)
    add_drive(waiting, operator, "WAITING-1", erase=False)
    return donor_collection, done, waiting


def test_a_collection_certificate_covers_the_devices_done_and_lists_the_pending(half_done, manager):
    collection, done, waiting = half_done
    certificate = certificate_issue(collection=collection, actor=manager)
    assert [device["tag"] for device in certificate.content["devices"]] == sorted(
        device.asset_tag for device in done
    )
    assert certificate.content["pending"] == [{"tag": waiting.asset_tag, "category": "laptop"}]
    assert certificate_verify(certificate.code).status == "valid"


def test_the_pdf_says_which_devices_are_pending(client, manager, half_done):
    collection, done, waiting = half_done
    client.force_login(manager)
    response = client.get(reverse("refurb:certificate-collection", args=[collection.tag]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "DONE-1" in text and "DONE-2" in text
    assert "WAITING-1" not in text  # a drive not erased is never listed as certified
    assert waiting.asset_tag in text
    assert "En attente : 1 appareil de cette collecte contient encore des données" in (
        " ".join(text.split()).replace("\u202f", " ")
    )
    assert "couvre 2 des 3 appareils" in " ".join(text.split())


def test_a_pending_device_done_later_keeps_the_certificate_valid_and_a_new_one_covers_it(
    half_done,
    manager,
    operator,
):
    collection, _done, waiting = half_done
    first = certificate_issue(collection=collection, actor=manager)
    from refurb import services
    from refurb.models import NistMethod

    services.drive_record_erasure(
        drive=waiting.drives.get(), method=NistMethod.PURGE, standard="", tool="nwipe",
        passes=1, result="success", verified=True, actor=operator,
    )  # fmt: skip
    assert certificate_verify(first.code).status == "valid"  # it still says what it said
    second = certificate_issue(collection=collection, actor=manager)
    assert second.code != first.code and "pending" not in second.content
    assert len(second.content["devices"]) == 3


def test_a_device_added_to_the_lot_after_issuance_alters_the_certificate(
    site,
    half_done,
    manager,
    operator,
):
    collection, _done, _waiting = half_done
    certificate = certificate_issue(collection=collection, actor=manager)
    factories.make_device(site=site, actor=operator, collection=collection)
    assert certificate_verify(certificate.code).status == "altered"


def test_no_collection_certificate_while_no_device_is_done(
    site,
    operator,
    donor_collection,
    manager,
):
    device = factories.make_device(site=site, actor=operator, collection=donor_collection)
    add_drive(device, operator, "PENDING-1", erase=False)
    with pytest.raises(DomainError) as caught:
        certificate_issue(collection=donor_collection, actor=manager)
    assert caught.value.code == "certificate_unsafe"
    assert not Certificate.objects.exists()


def test_the_verify_page_names_the_pending_devices(client, half_done, manager):
    collection, _done, waiting = half_done
    certificate = certificate_issue(collection=collection, actor=manager)
    page = client.get(reverse("refurb:verify", args=[certificate.code])).content.decode()
    assert 'data-status="valid"' in page and "data-pending" in page
    assert waiting.asset_tag in page and "couvre 2 des 3 appareils" in page


def test_the_donor_page_offers_the_certificate_and_names_the_pending(client, manager, half_done):
    collection, _done, waiting = half_done
    client.force_login(manager)
    page = client.get(reverse("reports:donor", args=[collection.donor_id])).content.decode()
    assert f'data-issue-certificate="{collection.tag}"' in page
    assert f'data-pending="{collection.tag}"' in page and waiting.asset_tag in page
