"""Donation offers, pick-up rounds and slips: the services and their refusals (issue 21)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import (
    Collection,
    CollectionRound,
    DonationOffer,
    Donor,
    OfferLine,
    PickupSlip,
)
from inventory.services import donations
from inventory.services.donations import LineInput
from tests import factories
from workshop import roles
from workshop.exceptions import DomainError

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> =cmd|' /C calc'!A0 \r\nBcc: evil@example.com"
VALID_SIRET = "73282932000074"
WRONG_SIRET = "73282932000075"


def png(width=40, height=20) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).line((0, 0, width, height), fill="black", width=2)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def pdf_text(data: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def offer_data(site, **overrides):
    today = timezone.localdate()
    data = dict(
        site=site,
        kind=Donor.Kind.COMPANY,
        organisation="Mairie de Villeurbanne",
        siret=VALID_SIRET,
        contact_name="Claire Dupont",
        contact_email="claire@example.org",
        address="1 place Lazare-Goujon, 69100 Villeurbanne",
        window_start=today + timedelta(days=2),
        window_end=today + timedelta(days=20),
        lines=[LineInput(category="laptop", count=12, age="3to5", drives_inside=True)],
        consent=True,
    )
    data.update(overrides)
    return data


@pytest.fixture
def site_manager(make_user, site):
    return make_user(roles.MANAGER, username="lead", site=site, first_name="Marc")


@pytest.fixture
def driver(make_user, site):
    return make_user(roles.BENCH_WORKER, username="driver", site=site, first_name="Yanis")


def submitted(site, **overrides):
    return donations.offer_submit(**offer_data(site, **overrides))


def test_an_offer_is_recorded_with_its_lines_and_acknowledged(site, smtp_server):
    offer = submitted(site, follow_url=lambda token: f"http://testserver/donate/follow/{token}/")
    assert offer.status == DonationOffer.Status.NEW
    assert [(line.category.code, line.count) for line in offer.lines.all()] == [("laptop", 12)]
    [message] = smtp_server.wait(1)
    assert message["To"] == "claire@example.org"
    # the token carries its time of signing: read it from the mail
    token = text_of(message).split("/donate/follow/")[1].split("/")[0]
    assert donations.offer_from_token(token) == offer


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_name": "", "contact_email": ""}, "contact_email"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"siret": WRONG_SIRET}, "siret"),
        ({"window_start": None}, "window_start"),
        ({"window_start": date(2000, 1, 1), "window_end": date(2000, 1, 5)}, "window_start"),
        ({"consent": False}, "consent"),
        ({"lines": []}, "lines"),
        ({"lines": [LineInput(category="laptop", count=3, age="")]}, "lines"),
        ({"lines": [LineInput(category="nope", count=3, age="lt3")]}, "lines"),
    ],
)
def test_a_bad_offer_is_refused_with_a_field_and_nothing_stored(
    site, overrides, field, smtp_server
):
    with pytest.raises(DomainError) as refused:
        submitted(site, **overrides)
    assert field in refused.value.fields
    assert DonationOffer.objects.count() == 0 and OfferLine.objects.count() == 0
    assert smtp_server.messages == []


def test_a_reversed_window_is_refused(site):
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        submitted(
            site, window_start=today + timedelta(days=5), window_end=today + timedelta(days=1)
        )
    assert "window_end" in refused.value.fields


def test_the_same_form_sent_twice_makes_one_offer(site):
    first = submitted(site, submission_key="k" * 32)
    second = submitted(site, submission_key="k" * 32)
    assert first.pk == second.pk and DonationOffer.objects.count() == 1


def test_a_tampered_or_expired_token_names_no_offer(site):
    offer = submitted(site)
    token = donations.offer_token(offer)
    assert donations.offer_from_token(token[:-2] + "xx") is None
    assert donations.offer_from_token(token, max_age_days=-1) is None


def test_accepting_creates_the_donor_and_mails_declining_needs_a_reason(
    site, site_manager, smtp_server
):
    offer = submitted(site)
    accepted = donations.offer_accept(offer=offer, actor=site_manager)
    assert accepted.status == DonationOffer.Status.ACCEPTED
    assert accepted.donor.siret == VALID_SIRET and accepted.donor.name == offer.organisation
    assert "acceptée" in smtp_server.wait(2)[-1]["Subject"]
    again = submitted(site)
    donations.offer_accept(offer=again, actor=site_manager)
    again.refresh_from_db()
    assert again.donor_id == accepted.donor_id  # the same SIRET: the same donor
    with pytest.raises(DomainError) as refused:
        donations.offer_decline(offer=again, actor=site_manager, reason="  ")
    assert "reason" in refused.value.fields
    donations.offer_decline(offer=again, actor=site_manager, reason="Trop ancien")
    again.refresh_from_db()
    assert again.status == DonationOffer.Status.DECLINED
    assert "Trop ancien" in text_of(smtp_server.wait(5)[-1])


def test_triage_is_for_managers_of_the_offers_site(site, make_user, driver):
    offer = submitted(site)
    other = factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")
    theirs = make_user(roles.MANAGER, username="se-lead", site=other)
    for actor, code in ((driver, "role_forbidden"), (theirs, "other_site")):
        with pytest.raises(DomainError) as refused:
            donations.offer_accept(offer=offer, actor=actor)
        assert refused.value.code == code
    offer.refresh_from_db()
    assert offer.status == DonationOffer.Status.NEW


def planned(site, site_manager, driver, *, count=1):
    offers = []
    for n in range(count):
        offer = submitted(site, organisation=f"Entreprise {n}", siret="")
        offers.append(donations.offer_accept(offer=offer, actor=site_manager))
    round_ = donations.round_plan(
        site=site,
        date=timezone.localdate() + timedelta(days=3),
        vehicle="Kangoo AB-123-CD",
        driver=driver,
        stops=[(offer, "40,5") for offer in reversed(offers)],
        actor=site_manager,
    )
    return round_, offers


def test_a_round_orders_its_stops_and_plans_the_offers(site, site_manager, driver):
    round_, offers = planned(site, site_manager, driver, count=2)
    stops = list(round_.stops.order_by("order"))
    assert [s.offer_id for s in stops] == [offers[1].pk, offers[0].pk]
    assert stops[0].estimated_weight_kg == Decimal("40.500")
    assert set(DonationOffer.objects.values_list("status", flat=True)) == {"planned"}


def test_a_round_refuses_a_new_offer_a_past_day_and_a_day_outside_the_window(
    site, site_manager, driver
):
    new = submitted(site)
    accepted = donations.offer_accept(offer=submitted(site, siret=""), actor=site_manager)
    today = timezone.localdate()
    cases = [
        (dict(date=today + timedelta(days=3), stops=[(new, 10)]), "offer_not_accepted"),
        (dict(date=today - timedelta(days=1), stops=[(accepted, 10)]), "invalid"),
        (dict(date=today + timedelta(days=90), stops=[(accepted, 10)]), "invalid"),
        (dict(date=today + timedelta(days=3), stops=[(accepted, "-2")]), "invalid"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as refused:
            donations.round_plan(
                site=site, vehicle="Kangoo", driver=driver, actor=site_manager, **kwargs
            )
        assert refused.value.code == code
    assert CollectionRound.objects.count() == 0
    accepted.refresh_from_db()
    assert accepted.status == DonationOffer.Status.ACCEPTED


def test_the_slip_opens_the_collection_intake_uses(site, site_manager, driver):
    round_, (offer,) = planned(site, site_manager, driver)
    stop = round_.stops.get()
    slip = donations.slip_record(
        stop=stop,
        actor=driver,
        counts={"laptop": 11, "screen": 2},
        weight_kg="31,4",
        donor_signatory="Claire Dupont",
        donor_signature=png(),
        driver_signature=png(),
    )
    offer.refresh_from_db()
    assert offer.status == DonationOffer.Status.COLLECTED
    collection = offer.collection
    assert collection == slip.collection and collection.donor == offer.donor
    assert collection.declared_count == 13 and collection.gross_weight_kg == Decimal("31.400")
    assert collection.tag.startswith("LYC")
    round_.refresh_from_db()
    assert round_.status == CollectionRound.Status.DONE
    with pytest.raises(DomainError) as refused:
        donations.slip_record(
            stop=stop,
            actor=driver,
            counts={"laptop": 1},
            weight_kg="1",
            donor_signatory="X",
            donor_signature=png(),
            driver_signature=png(),
        )
    assert refused.value.code == "stop_collected"
    assert Collection.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"weight_kg": "-3"}, "weight_kg"),
        ({"weight_kg": "beaucoup"}, "weight_kg"),
        ({"counts": {"laptop": -1}}, "counts"),
        ({"counts": {"laptop": 0}}, "counts"),
        ({"donor_signature": b""}, "donor_signature"),
        ({"donor_signature": b"<svg onload=alert(1)>"}, "donor_signature"),
        ({"donor_signatory": ""}, "donor_signatory"),
    ],
)
def test_a_bad_slip_is_refused_and_nothing_is_stored(site, site_manager, driver, overrides, field):
    round_, (offer,) = planned(site, site_manager, driver)
    data = dict(
        stop=round_.stops.get(),
        actor=driver,
        counts={"laptop": 12},
        weight_kg="30",
        donor_signatory="Claire Dupont",
        donor_signature=png(),
        driver_signature=png(),
    )
    data.update(overrides)
    with pytest.raises(DomainError) as refused:
        donations.slip_record(**data)
    assert field in refused.value.fields
    if overrides.get("weight_kg") == "-3":  # the message says what is wrong, in French
        assert "négatif" in refused.value.message
    assert PickupSlip.objects.count() == 0 and Collection.objects.count() == 0
    offer.refresh_from_db()
    assert offer.status == DonationOffer.Status.PLANNED


def test_a_scanned_slip_stands_in_for_the_signatures(site, site_manager, driver):
    round_, _offers = planned(site, site_manager, driver)
    slip = donations.slip_record(
        stop=round_.stops.get(),
        actor=driver,
        counts={"laptop": 12},
        weight_kg="30",
        donor_signatory="Claire Dupont",
        scan=b"%PDF-1.4 scanned",
        scan_type="application/pdf",
    )
    assert bytes(slip.scan).startswith(b"%PDF") and not slip.donor_signature


def test_hostile_strings_reach_the_pdfs_and_the_mail_as_text(
    site, site_manager, driver, smtp_server
):
    from inventory.documents.rounds import round_sheet_pdf, slip_pdf

    offer = submitted(
        site,
        organisation=HOSTILE,
        contact_name=HOSTILE,
        address=HOSTILE,
        notes=HOSTILE,
        siret="",
        follow_url=lambda token: f"http://testserver/f/{token}/",
    )
    [message] = smtp_server.wait(1)
    assert message["Bcc"] is None and message.envelope_to == ["claire@example.org"]
    assert "\n" not in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in text_of(message)  # plain text is plain
    donations.offer_accept(offer=offer, actor=site_manager)
    round_ = donations.round_plan(
        site=site,
        date=timezone.localdate() + timedelta(days=3),
        vehicle=HOSTILE,
        driver=driver,
        stops=[(offer, 10)],
        actor=site_manager,
    )
    stop = round_.stops.get()
    donations.slip_record(
        stop=stop,
        actor=driver,
        counts={"laptop": 12},
        weight_kg="30",
        donor_signatory=HOSTILE,
        donor_signature=png(),
        driver_signature=png(),
    )
    round_ = CollectionRound.objects.get(pk=round_.pk)
    for pdf in (round_sheet_pdf(round_), slip_pdf(round_.stops.select_related("slip").get())):
        text = "".join(pdf_text(pdf).split())
        assert "<script>alert(1)</script>" in text
