"""The donor's mails along the pick-up: the round planned (day and hours), the pick-up done
(the slip's summary), and the link to their page once the lot is at the workshop (issue 21).

All through the real job and a real SMTP server on loopback (the ``smtp_server`` fixture)."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import CollectionRound
from inventory.services import collection_create, donations
from reports.donors import donor_from_token
from tests import factories
from tests.inventory.test_donations import HOSTILE, png, submitted, text_of
from workshop import roles
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/my-donations/([^/\s]+)/")


@pytest.fixture
def lead(make_user, site):
    return make_user(roles.MANAGER, username="lead", site=site, first_name="Marc")


@pytest.fixture
def driver(make_user, site):
    return make_user(roles.BENCH_WORKER, username="driver", site=site, first_name="Yanis")


def follow(token):
    return f"http://testserver/donate/follow/{token}/"


def plan(site, lead, driver, offers, **kwargs):
    return donations.round_plan(
        site=site,
        date=kwargs.pop("date", timezone.localdate() + timedelta(days=3)),
        vehicle="Kangoo AB-123-CD",
        driver=driver,
        stops=[(offer, "40,5") for offer in offers],
        actor=lead,
        follow_url=follow,
        **kwargs,
    )


def accepted(site, lead, **overrides):
    return donations.offer_accept(offer=submitted(site, **overrides), actor=lead)


def test_each_donor_of_a_planned_round_is_mailed_the_day_and_the_hours_in_french(
    site, lead, driver, smtp_server
):
    first = accepted(site, lead, siret="", contact_email="a@example.org")
    second = accepted(site, lead, siret="", contact_email="b@example.org", organisation="B")
    day = timezone.localdate() + timedelta(days=3)
    plan(site, lead, driver, [first, second], date=day, time_from=time(9), time_until=time(12, 30))
    mails = smtp_server.wait(6)[4:]  # received and accepted twice, then planned twice
    assert sorted(m["To"] for m in mails) == ["a@example.org", "b@example.org"]
    for message in mails:
        assert "planifié" in message["Subject"]
        text = text_of(message)
        assert f"{day.day} " in text and "09:00" in text and "12:30" in text, text
        assert "Expect" not in text and "between" not in text  # French, no English
        html = message.get_body(("html",)).get_content()
        assert "09:00" in html and "<strong>" in html
        token = re.search(r"/donate/follow/([^/\s]+)/", text).group(1)
        assert donations.offer_from_token(token).contact_email == message["To"]


def test_a_round_with_no_hours_still_mails_the_day(site, lead, driver, smtp_server):
    plan(site, lead, driver, [accepted(site, lead)])
    text = text_of(smtp_server.wait(3)[-1])
    assert "entre" not in text and "1 place Lazare-Goujon" in text


@pytest.mark.parametrize(
    "hours", [dict(time_from=time(9)), dict(time_from=time(12), time_until=time(9))]
)
def test_half_a_window_or_a_reversed_one_is_refused_and_nothing_is_mailed(
    site, lead, driver, smtp_server, hours
):
    offer = accepted(site, lead)
    smtp_server.wait(2)
    with pytest.raises(DomainError) as refused:
        plan(site, lead, driver, [offer], **hours)
    assert "time_until" in refused.value.fields
    assert CollectionRound.objects.count() == 0 and len(smtp_server.messages) == 2


def test_the_pick_up_done_mails_the_slip_summary_with_decimal_commas(
    site, lead, driver, smtp_server
):
    round_ = plan(site, lead, driver, [accepted(site, lead, contact_name=HOSTILE)])
    donations.slip_record(
        stop=round_.stops.get(),
        actor=driver,
        counts={"laptop": 11, "screen": 2},
        weight_kg="31,45",
        donor_signatory=HOSTILE,
        donor_signature=png(),
        driver_signature=png(),
    )
    message = smtp_server.wait(4)[-1]
    assert "enlevée" in message["Subject"] or "enlevé" in message["Subject"]
    text = text_of(message)
    assert "11 × Ordinateur portable" in text, text
    assert "2 × " in text and "31,45 kg" in text
    assert "picked up" not in text and "Weight" not in text  # French, no English
    assert "<script>alert(1)</script>" in text  # plain text stays plain
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html and "31,45 kg" in html


def _collected(site, lead, driver, smtp_server, **overrides):
    round_ = plan(site, lead, driver, [accepted(site, lead, **overrides)])
    slip = donations.slip_record(
        stop=round_.stops.get(),
        actor=driver,
        counts={"laptop": 2},
        weight_kg="4",
        donor_signatory="Claire Dupont",
        donor_signature=png(),
        driver_signature=png(),
    )
    smtp_server.wait(4)
    return slip.collection


def _bench(client, user, site):
    station = factories.WorkstationFactory(site=site, kind=WK.INTAKE, name="Accueil 1")
    client.force_login(user)
    client.post(reverse("bench:workstation"), {"workstation": station.pk})
    return client


def _register(client, serial):
    from refurb.models import Category

    laptop = Category.objects.get(code="laptop")
    return client.post(
        reverse("bench:device-register"),
        {"category": laptop.pk, "make": "Dell", "model": "E5490", "serial_number": serial},
    )


def test_the_lot_at_intake_mails_the_donor_their_page_link_once(
    client, site, lead, driver, smtp_server
):
    collection = _collected(site, lead, driver, smtp_server)
    _bench(client, driver, site)
    client.post(reverse("bench:scan"), {"code": collection.tag})  # the label scanned
    [arrived] = smtp_server.wait(5)[4:]
    assert arrived["To"] == "claire@example.org" and collection.tag in arrived["Subject"]
    token = LINK.search(text_of(arrived)).group(1)
    assert donor_from_token(token) == collection.donor
    assert LINK.search(arrived.get_body(("html",)).get_content())
    assert "arrived" not in text_of(arrived) and "arrivé" in text_of(arrived)
    # Opened again with the button, devices registered into it: no second mail.
    client.post(reverse("bench:collection-open"), {"collection": collection.pk})
    _register(client, "SN-1")
    _register(client, "SN-2")
    assert collection.devices.count() == 2
    smtp_server.wait(5)
    assert len(smtp_server.messages) == 5
    collection.refresh_from_db()
    assert collection.arrival_mailed_at is not None


def test_a_device_registered_first_also_counts_as_the_arrival(
    client, site, lead, driver, smtp_server
):
    collection = _collected(site, lead, driver, smtp_server)
    _bench(client, driver, site)
    session = client.session
    session["intake_collection"] = collection.pk
    session.save()
    _register(client, "SN-9")
    assert "arrivé" in smtp_server.wait(5)[-1]["Subject"]


def test_a_lot_typed_in_at_intake_or_a_donor_with_no_address_mails_nothing(
    client, site, driver, smtp_server
):
    donor = factories.DonorFactory(contact_email="walk-in@example.org")
    typed = collection_create(donor=donor, site=site)
    assert donations.collection_arrival_claim(typed) is False  # no pick-up slip
    _bench(client, driver, site)
    client.post(reverse("bench:collection-open"), {"collection": typed.pk})
    assert smtp_server.messages == []


def test_the_round_sheet_and_the_round_screen_show_the_hours(client, site, lead, driver):
    from inventory.documents.rounds import round_sheet_pdf
    from tests.inventory.test_donations import pdf_text

    round_ = plan(
        site, lead, driver, [accepted(site, lead)], time_from=time(14), time_until=time(17)
    )
    assert "14:00–17:00" in "".join(pdf_text(round_sheet_pdf(round_)).split())
    client.force_login(lead)
    page = client.get(reverse("inventory:round_detail", args=[round_.pk])).content.decode()
    assert "data-round-window" in page and "14:00" in page and "17:00" in page
