"""The donor's own page by signed link, the yearly donor report and the certificate batches
(issue 21)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.walks import Crew, device_advance, device_make_safe
from inventory import services as inventory_services
from refurb.models import Certificate
from refurb.states import State
from reports.donor_services import certificates_issue_pending, donor_reports_issue
from reports.donors import donor_from_token, donor_page, donor_token, donor_year, donor_year_csv
from reports.models import DonorReport
from tests import factories
from tests.inventory.audit_helpers import fast_passwords  # noqa: F401
from workshop import roles
from workshop.exceptions import DomainError
from workshop.models import Job
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> =cmd|' /C calc'!A0"


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WK.values},
    )


def gave(site, crew, donor, *, serials, states):
    collection = inventory_services.collection_create(donor=donor, site=site, gross_weight_kg="25")
    devices = []
    for serial, state in zip(serials, states, strict=True):
        device = factories.make_device(
            site=site, actor=crew.bench, collection=collection, serial_number=serial,
            make="Dell", model="Latitude",
        )  # fmt: skip
        if state == "safe":
            device_make_safe(device, crew, now=timezone.now())
        elif state != State.RECEIVED:
            device_advance(device, state, crew)
        device.refresh_from_db()
        devices.append(device)
    return collection, devices


@pytest.fixture
def donors(site, crew):
    mine = factories.DonorFactory(name="Mairie de Villeurbanne", contact_email="dsi@example.org")
    theirs = factories.DonorFactory(name="Banque Rivale", contact_email="it@rivale.example")
    _c, my_devices = gave(
        site, crew, mine, serials=["MINE-1", "MINE-2", "MINE-3"],
        states=[State.SOLD, State.WIPED, State.RECEIVED],
    )  # fmt: skip
    gave(site, crew, theirs, serials=["SECRET-OTHER-9"], states=[State.WIPED])
    return mine, theirs, my_devices


def test_the_page_lists_each_device_with_its_fate_and_no_one_elses(client, donors, crew):
    mine, _theirs, devices = donors
    response = client.get(reverse("reports:donor_page", args=[donor_token(mine)]))
    assert response.status_code == 200
    html = response.content.decode()
    for device in devices:
        assert device.serial_number in html
    assert 'data-fate="sold"' in html and 'data-fate="in_progress"' in html
    # no serial of another donor, and no person's name but the donor's own contact
    assert "SECRET-OTHER-9" not in html and "Banque Rivale" not in html
    for person in (crew.bench, crew.coach, crew.shop, crew.manager):
        for name in (person.username, person.first_name, person.last_name):
            if name:
                assert f">{name}<" not in html and f" {name} " not in html
    assert "dsi@example.org" in html
    # the buyer's kind only: never the buyer's name
    from shop.models import SaleLine

    line = SaleLine.objects.select_related("sale__buyer").get(device=devices[0])
    assert line.sale.buyer.name not in html
    assert line.sale.buyer.get_kind_display() in html


def test_the_page_counts_kilograms_and_co2e_and_draws_a_chart(donors):
    mine, _theirs, _devices = donors
    page = donor_page(mine)
    assert page.counts["sold"] == 1 and page.counts["in_progress"] == 2
    assert page.kept_kg > 0
    assert page.co2e_kg > 0
    assert [row["year"] for row in page.years] == [timezone.localdate().year]


def test_a_tampered_or_expired_link_answers_a_french_page_offering_a_new_one(client, donors):
    mine, _theirs, _devices = donors
    token = donor_token(mine)
    for bad in (token[:-3] + "abc", "nothing"):
        response = client.get(reverse("reports:donor_page", args=[bad]))
        assert response.status_code == 404
        html = response.content.decode()
        assert "Ce lien ne fonctionne plus" in html and "Envoyez-moi un nouveau lien" in html
    assert donor_from_token(token, max_age_days=-1) is None
    assert donor_from_token(token) == mine


def test_a_new_link_goes_to_the_address_on_file_only(client, donors, smtp_server):
    mine, _theirs, _devices = donors
    response = client.post(reverse("reports:donor_link"), {"email": "DSI@example.org"})
    assert response.status_code == 200
    [message] = smtp_server.wait(1)
    assert message["To"] == "dsi@example.org"
    body = message.get_body(("plain",)).get_content()
    token = body.split("/my-donations/")[1].split("/")[0]
    assert donor_from_token(token) == mine
    unknown = client.post(reverse("reports:donor_link"), {"email": "nobody@example.org"})
    assert unknown.content.decode().count("data-link-sent") == 1  # the same answer
    assert len(smtp_server.messages) == 1


def test_the_donor_downloads_the_certificate_of_their_own_device_only(client, donors):
    mine, theirs, devices = donors
    token = donor_token(mine)
    safe = devices[1]
    response = client.get(reverse("reports:donor_device_certificate", args=[token, safe.asset_tag]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert Certificate.objects.filter(device=safe).count() == 1
    other = theirs.collections.get().devices.get()
    refused = client.get(reverse("reports:donor_device_certificate", args=[token, other.asset_tag]))
    assert refused.status_code == 404
    unsafe = client.get(
        reverse("reports:donor_device_certificate", args=[token, devices[2].asset_tag])
    )
    assert unsafe.status_code == 409


def test_the_page_runs_the_same_queries_for_3_and_for_9_devices(
    site, crew, donors, django_assert_num_queries
):
    mine, _theirs, _devices = donors
    url = reverse("reports:donor_page", args=[donor_token(mine)])
    client = Client()
    client.get(url)  # warm the caches (content types, site...)
    with django_assert_num_queries(10) as first:
        client.get(url)
    gave(site, crew, mine, serials=[f"MORE-{n}" for n in range(6)], states=["safe"] * 6)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_the_yearly_report_csv_and_pdf_print_hostile_strings_as_text(site, crew):
    donor = factories.DonorFactory(name=HOSTILE, address=HOSTILE)
    formula = "=cmd|' /C calc'!A0"
    _collection, devices = gave(
        site, crew, donor, serials=[HOSTILE, formula], states=["safe", State.RECEIVED]
    )
    from refurb.certificates.services import certificate_issue

    certificate_issue(device=devices[0], actor=None)
    report = donor_year(donor, timezone.localdate().year)
    rows = list(csv.reader(io.StringIO(donor_year_csv(report).decode("utf-8-sig"))))
    assert {rows[1][5], rows[2][5]} == {HOSTILE, "'" + formula}
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert report.certificates[0].code in {rows[1][9], rows[2][9]}
    from reports.donors import donor_year_pdf
    from tests.inventory.test_donations import pdf_text

    text = "".join(pdf_text(donor_year_pdf(report, verify_url="http://x/verify/")).split())
    assert "<script>alert(1)</script>" in text
    assert report.certificates[0].code in text


def test_the_batch_issues_every_donors_report_of_the_year_as_a_job(site, crew, donors):
    manager = crew.manager
    job = donor_reports_issue(year=timezone.localdate().year, actor=manager, base_url="http://x/")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.done == job.total == 2
    assert DonorReport.objects.count() == 2
    report = DonorReport.objects.get(donor=donors[0])
    assert bytes(report.pdf).startswith(b"%PDF") and report.devices == 3
    with pytest.raises(DomainError) as refused:
        donor_reports_issue(year=1999, actor=manager)
    assert "year" in refused.value.fields
    with pytest.raises(DomainError):
        donor_reports_issue(year=timezone.localdate().year, actor=crew.bench)


def test_the_certificate_batch_issues_every_pending_certificate_of_a_collection(site, crew, donors):
    mine, _theirs, devices = donors
    collection = devices[0].collection
    job = certificates_issue_pending(actor=crew.manager, collection=collection)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result["issued"] == 2 and job.result["pending"] == 1
    covered = Certificate.objects.get(collection=collection)
    assert {d["tag"] for d in covered.content["devices"]} == {
        devices[0].asset_tag,
        devices[1].asset_tag,
    }
    again = certificates_issue_pending(actor=crew.manager, collection=collection)
    again.refresh_from_db()
    assert again.result["issued"] == 0  # nothing changed: the same certificates


def test_batches_are_for_managers_of_the_collections_site(site, crew, donors, make_user):
    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    theirs = make_user(roles.MANAGER, username="se-lead", site=other)
    collection = donors[2][0].collection
    with pytest.raises(DomainError) as refused:
        certificates_issue_pending(actor=theirs, collection=collection)
    assert refused.value.code == "other_site"
    with pytest.raises(DomainError) as nothing:
        donor_reports_issue(year=timezone.localdate().year, actor=theirs)
    assert nothing.value.code == "no_donor"


def test_the_manager_sends_the_link_and_reaches_the_yearly_reports(client, donors, smtp_server):
    mine, _theirs, _devices = donors
    from workshop.models import Site

    manager = factories.UserFactory(
        roles=[roles.MANAGER], username="lead", site=Site.objects.get(code="LY")
    )
    client.force_login(manager)
    page = client.get(reverse("reports:donor", args=[mine.pk])).content.decode()
    assert reverse("reports:donor_send_link", args=[mine.pk]) in page
    assert reverse("reports:donor_reports") in page
    response = client.post(reverse("reports:donor_send_link", args=[mine.pk]))
    assert response.status_code == 302
    [message] = smtp_server.wait(1)
    assert message["To"] == "dsi@example.org"
    year = timezone.localdate().year
    client.post(reverse("reports:donor_reports"), {"year": year, "action": "reports"})
    listing = client.get(reverse("reports:donor_reports") + f"?year={year}").content.decode()
    report = DonorReport.objects.get(donor=mine)
    assert reverse("reports:donor_report_download", args=[report.pk, "pdf"]) in listing
    pdf = client.get(reverse("reports:donor_report_download", args=[report.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    assert timedelta(0) <= timezone.now() - report.issued_at < timedelta(minutes=5)
