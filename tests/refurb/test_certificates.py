"""Sanitisation certificates: issuance rules, the PDF's content and public verification."""

import io
from datetime import UTC, datetime

import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.services import collection_create
from refurb import services
from refurb.certificates.services import certificate_issue, certificate_verify
from refurb.models import Certificate, Drive, NistMethod
from tests import factories
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
def operator(make_user):
    return make_user("bench_worker", username="sbernard", first_name="Salomé", last_name="Bernard")


@pytest.fixture
def donor_collection(site):
    donor = factories.DonorFactory(name="Mairie de Villeurbanne", kind="public_body")
    return collection_create(donor=donor, site=site)


def add_drive(device, actor, serial, *, erase=True, verified=True, station=None):
    drive = services.drive_add(
        device=device, actor=actor, serial_number=serial, model="WDC WD3200", kind="hdd",
        capacity_bytes=320_072_933_376, now=NOW,
    )  # fmt: skip
    if erase:
        services.drive_record_erasure(
            drive=drive, method=NistMethod.CLEAR, standard="DoD Short", tool="nwipe",
            passes=3, result="success", verified=verified, actor=actor,
            workstation=station, now=NOW,
        )  # fmt: skip
    return drive


@pytest.fixture
def lot(site, operator, donor_collection, station):
    """A collection of two laptops (three drives erased, one destroyed) and a screen."""
    erasure = station("erasure")
    first = factories.make_device(
        site=site,
        actor=operator,
        collection=donor_collection,
        make="Dell",
        model="Latitude E7240",
        serial_number="5CQ6VY1",
    )
    second = factories.make_device(
        site=site,
        actor=operator,
        collection=donor_collection,
        make="HP",
        model="ProBook 450 G2",
        serial_number="CND4286ZJ2",
    )
    add_drive(first, operator, "WD-WXE708D44602", station=erasure)
    add_drive(first, operator, "S33HNX0J203755R", station=erasure)
    add_drive(second, operator, "S3P9A80F", station=erasure)
    broken = add_drive(second, operator, "9RK1XXXX", erase=False)
    services.drive_record_destruction(
        drive=broken, method="shredding", witness="Jeanne Martin", actor=operator, now=NOW
    )
    factories.make_device(site=site, actor=operator, collection=donor_collection,
                          category_code="screen")  # fmt: skip
    return donor_collection


SERIALS = ["WD-WXE708D44602", "S33HNX0J203755R", "S3P9A80F", "9RK1XXXX"]


def pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def test_the_collection_certificate_pdf_lists_every_drive_serial(client, manager, lot):
    client.force_login(manager)
    response = client.get(reverse("refurb:certificate-collection", args=[lot.tag]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for serial in SERIALS:
        assert serial in text
    code = Certificate.objects.get().code
    assert code in text
    assert "Mairie de Villeurbanne" in text


def test_the_pdf_states_method_standard_passes_tool_and_witness(client, manager, lot):
    client.force_login(manager)
    url = reverse("refurb:certificate-collection", args=[lot.tag])
    english = " ".join(pdf_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content).split())
    assert "Data sanitisation certificate" in english
    assert "NIST SP 800-88 Clear — DoD Short 3 passes (nwipe)" in english
    assert "NIST SP 800-88 Destroy — shredding" in english
    assert "witness: J. M." in english
    assert "holds no data storage" in english


def test_certificates_are_issued_in_french_by_default(lot, operator, manager):
    assert certificate_issue(collection=lot, actor=manager).language == "fr"


def test_the_pdf_shows_operators_by_initials_only(client, manager, lot):
    client.force_login(manager)
    url = reverse("refurb:certificate-collection", args=[lot.tag])
    text = pdf_text(client.get(url).content)
    assert "S. B." in text
    assert "Bernard" not in text and "Jeanne" not in text


def test_the_verification_page_says_valid_without_signing_in(client, lot, operator, manager):
    certificate = certificate_issue(collection=lot, actor=manager, now=NOW)
    response = client.get(reverse("refurb:verify", args=[certificate.code]),
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in html
    assert "This certificate is valid" in html
    for serial in SERIALS:
        assert serial in html
    assert "Bernard" not in html


def test_a_tampered_code_is_unknown(client, lot, operator, manager):
    certificate = certificate_issue(collection=lot, actor=manager, now=NOW)
    tampered = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    response = client.get(reverse("refurb:verify", args=[tampered]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert 'data-status="unknown"' in response.content.decode()


def test_a_fact_changed_after_issuance_makes_the_certificate_altered(
    client, lot, operator, manager
):
    certificate = certificate_issue(collection=lot, actor=manager, now=NOW)
    Drive.objects.filter(serial_number="S3P9A80F").update(serial_number="S3P9A80X")
    response = client.get(reverse("refurb:verify", args=[certificate.code]),
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert 'data-status="altered"' in response.content.decode()
    assert certificate_verify(certificate.code).status == "altered"


def test_a_certificate_edited_in_the_database_is_altered(lot, operator, manager):
    certificate = certificate_issue(collection=lot, actor=manager, now=NOW)
    content = certificate.content
    content["devices"][0]["drives"][0]["proof"]["verified"] = False
    Certificate.objects.filter(pk=certificate.pk).update(content=content)
    assert certificate_verify(certificate.code).status == "altered"


def test_no_certificate_while_a_drive_is_not_safe(site, operator, donor_collection, manager):
    device = factories.make_device(site=site, actor=operator, collection=donor_collection)
    add_drive(device, operator, "SAFE-1")
    unsafe = add_drive(device, operator, "UNVERIFIED-1", verified=False)
    pending = add_drive(device, operator, "PENDING-1", erase=False)
    with pytest.raises(DomainError) as caught:
        certificate_issue(collection=donor_collection, actor=manager)
    assert caught.value.code == "certificate_unsafe"
    assert caught.value.fields["drives"] == [unsafe.tag, pending.tag]
    assert Certificate.objects.count() == 0


def test_the_download_screen_explains_why_no_certificate_is_issued(client, manager, laptop):
    add_drive(laptop, manager, "PENDING-1", erase=False)
    client.force_login(manager)
    response = client.get(reverse("refurb:certificate-device", args=[laptop.asset_tag]))
    assert response.status_code == 409
    assert 'data-code="certificate_unsafe"' in response.content.decode()


def test_a_device_certificate_covers_one_device(client, manager, lot):
    device = lot.devices.get(serial_number="5CQ6VY1")
    client.force_login(manager)
    response = client.get(reverse("refurb:certificate-device", args=[device.asset_tag]))
    text = pdf_text(response.content)
    assert "WD-WXE708D44602" in text and "S3P9A80F" not in text


def test_downloading_twice_gives_the_same_code(lot, operator, manager):
    first = certificate_issue(collection=lot, actor=manager)
    second = certificate_issue(collection=lot, actor=manager)
    assert first.code == second.code


def test_a_private_donor_is_not_named(site, operator, manager):
    donor = factories.DonorFactory(name="Jean Dupont", kind="person")
    collection = collection_create(donor=donor, site=site)
    device = factories.make_device(site=site, actor=operator, collection=collection)
    add_drive(device, operator, "SAFE-1")
    certificate = certificate_issue(collection=collection, actor=manager)
    assert "Dupont" not in str(certificate.content)


def test_the_certificate_pages_need_a_login(client, lot):
    response = client.get(reverse("refurb:certificate-collection", args=[lot.tag]))
    assert response.status_code == 302


def collection_of(site, actor, devices: int, *, issuer):
    donor = factories.DonorFactory(kind="company")
    collection = collection_create(donor=donor, site=site)
    for i in range(devices):
        device = factories.make_device(site=site, actor=actor, collection=collection)
        add_drive(device, actor, f"A{i}")
        add_drive(device, actor, f"B{i}")
    return certificate_issue(collection=collection, actor=issuer)


def test_the_verification_page_costs_the_same_queries_for_one_or_many_devices(
    client, site, operator, manager
):
    counts = []
    for devices in (1, 5):
        certificate = collection_of(site, operator, devices, issuer=manager)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("refurb:verify", args=[certificate.code]))
        assert 'data-status="valid"' in response.content.decode()
        counts.append(len(queries))
    # 5 + the devices (with their anchors), events and signed heads of the chain check, + the
    # drives taken out of the devices as parts (their donors' certificates still list them)
    assert counts[0] == counts[1] == 9, counts


def test_screens_can_include_the_certificate_download_links(lot):
    from django.template.loader import render_to_string

    device = lot.devices.first()
    html = render_to_string("refurb/_certificate_links.html", {"device": device, "collection": lot})
    assert reverse("refurb:certificate-device", args=[device.asset_tag]) in html
    assert reverse("refurb:certificate-collection", args=[lot.tag]) in html


def test_a_certificate_embeds_each_devices_chain_head(lot, operator, manager):
    from refurb.selectors import device_chain_head

    certificate = certificate_issue(collection=lot, actor=manager, now=NOW)
    heads = {d["tag"]: d["chain"] for d in certificate.content["devices"]}
    assert len(heads) == 3
    for device in lot.devices.all():
        head = device_chain_head(device)
        assert heads[device.asset_tag] == {"seq": head.seq, "head": head.hash}


def test_later_events_of_a_certified_device_keep_the_certificate_valid(lot, operator, manager):

    certificate = certificate_issue(collection=lot, actor=manager, now=NOW)
    device = lot.devices.order_by("asset_tag").first()
    factories.transition(device=device, to="written_off", actor=manager, reason="lost")
    assert certificate_verify(certificate.code).status == "valid"


def test_an_event_edited_behind_the_applications_back_makes_the_certificate_altered(
    client, lot, operator, manager
):
    from refurb.models import DeviceEvent
    from tests.refurb.test_event_chain import tamper

    certificate = certificate_issue(collection=lot, actor=manager, now=NOW)
    event = DeviceEvent.objects.filter(device__collection=lot).order_by("id").first()
    tamper("UPDATE refurb_deviceevent SET reason = 'forged' WHERE id = %s", [event.pk])
    assert certificate_verify(certificate.code).status == "altered"
    response = client.get(reverse("refurb:verify", args=[certificate.code]))
    assert 'data-status="altered"' in response.content.decode()


def test_a_certified_chain_head_that_is_gone_makes_the_certificate_altered(lot, operator, manager):
    certificate = certificate_issue(collection=lot, actor=manager, now=NOW)
    content = certificate.content
    content["devices"][0]["chain"]["head"] = "0" * 64
    from refurb.certificates.content import content_digest

    Certificate.objects.filter(pk=certificate.pk).update(
        content=content, content_sha256=content_digest(content)
    )
    assert certificate_verify(certificate.code).status == "altered"
