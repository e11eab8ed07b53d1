"""The donation screens: the public form (honeypot, throttle, French refusals, a second submit),
the managers' triage, round and slip screens, reached from the top bar (issue 21)."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import Collection, DonationOffer
from inventory.services import donations
from tests.inventory.test_donations import png, submitted
from workshop import roles

pytestmark = pytest.mark.django_db


def form_data(site, **overrides):
    today = timezone.localdate()
    data = {
        "site": site.pk,
        "kind": "company",
        "organisation": "Entreprise Exemple",
        "siret": "732 829 320 00074",
        "contact_name": "Claire Dupont",
        "contact_email": "claire@example.org",
        "address": "1 rue de la République, Lyon",
        "window_start": (today + timedelta(days=2)).isoformat(),
        "window_end": (today + timedelta(days=30)).isoformat(),
        "count_laptop": "12",
        "age_laptop": "3to5",
        "drives_laptop": "on",
        "consent": "on",
        "submission_key": "a" * 32,
    }
    data.update(overrides)
    return data


@pytest.fixture
def lead(make_user, site):
    return make_user(roles.MANAGER, username="lead", site=site)


def test_the_sign_in_page_and_verify_link_to_the_public_form(client, site):
    for url in (reverse("bench:signin"), reverse("refurb:verify-index")):
        assert reverse("inventory:donate") in client.get(url).content.decode()
    page = client.get(reverse("inventory:donate"))
    assert page.status_code == 200
    assert 'name="website"' in page.content.decode()  # the honeypot


def test_an_offer_sent_twice_is_one_offer_and_one_mail(client, site, smtp_server):
    data = form_data(site)
    first = client.post(reverse("inventory:donate"), data)
    second = client.post(reverse("inventory:donate"), data)
    assert first.status_code == second.status_code == 302
    assert DonationOffer.objects.count() == 1
    offer = DonationOffer.objects.get()
    assert offer.siret == "73282932000074" and offer.total_count == 12
    smtp_server.wait(1)
    assert len(smtp_server.messages) == 1


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_stored(client, site):
    response = client.post(reverse("inventory:donate"), form_data(site, website="http://spam"))
    assert response.status_code == 302
    assert DonationOffer.objects.count() == 0


def test_the_form_is_throttled_per_address(client, site, settings):
    settings.ATELIER_DONATION_RATE = 2
    from django.core.cache import cache

    cache.clear()
    codes = [
        client.post(
            reverse("inventory:donate"), form_data(site, submission_key=f"k{n}" * 8)
        ).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert DonationOffer.objects.count() == 2
    cache.clear()


@pytest.mark.parametrize(
    ("overrides", "french"),
    [
        ({"contact_name": "", "contact_email": ""}, "Donnez une adresse électronique"),
        ({"window_start": "2026-02-30"}, "une date qui existe"),
        ({"siret": "73282932000075"}, "SIRET n’est pas valide"),
        ({"consent": ""}, "notice de confidentialité"),
    ],
)
def test_bad_input_answers_400_in_french_and_stores_nothing(client, site, overrides, french):
    response = client.post(reverse("inventory:donate"), form_data(site, **overrides))
    assert response.status_code == 400
    assert french in response.content.decode().replace("&#x27;", "’").replace("'", "’")
    assert DonationOffer.objects.count() == 0


def test_the_follow_link_shows_the_offer_and_a_tampered_one_a_french_page(client, site):
    offer = submitted(site)
    token = donations.offer_token(offer)
    page = client.get(reverse("inventory:donation_follow", args=[token]))
    assert page.status_code == 200 and 'data-offer-status="new"' in page.content.decode()
    bad = client.get(reverse("inventory:donation_follow", args=[token + "x"]))
    assert bad.status_code == 404 and "Ce lien ne fonctionne plus" in bad.content.decode()


def test_the_manager_reaches_offers_from_the_top_bar_and_accepts(client, site, lead, smtp_server):
    offer = submitted(site)
    smtp_server.wait(1)
    client.force_login(lead)
    home = client.get(reverse("reports:index")).content.decode()
    assert reverse("inventory:offer_list") in home
    listing = client.get(reverse("inventory:offer_list")).content.decode()
    assert reverse("inventory:offer_detail", args=[offer.pk]) in listing
    response = client.post(
        reverse("inventory:offer_detail", args=[offer.pk]), {"action": "accept", "reason": ""}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == DonationOffer.Status.ACCEPTED
    assert len(smtp_server.wait(2)) == 2


def test_the_offer_list_runs_the_same_queries_for_2_and_for_8_offers(
    client, site, lead, django_assert_num_queries
):
    for n in range(2):
        submitted(site, organisation=f"O{n}")
    client.force_login(lead)
    url = reverse("inventory:offer_list")
    client.get(url)
    with django_assert_num_queries(7) as first:
        client.get(url)
    for n in range(6):
        submitted(site, organisation=f"P{n}")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_plan_a_round_and_record_a_signed_slip_on_screen(client, site, lead, make_user):
    driver = make_user(roles.BENCH_WORKER, username="driver", site=site)
    offer = donations.offer_accept(offer=submitted(site), actor=lead)
    client.force_login(lead)
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        reverse("inventory:round_plan"),
        {
            "site": site.pk,
            "date": day,
            "vehicle": "Kangoo",
            "driver": driver.pk,
            f"stop_{offer.pk}": "1",
            f"weight_{offer.pk}": "35,5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    offer.refresh_from_db()
    round_ = offer.stop.round
    sheet = client.get(reverse("inventory:round_sheet", args=[round_.pk]))
    assert sheet.content.startswith(b"%PDF")
    stop = offer.stop
    url = reverse("inventory:slip_record", args=[round_.pk, stop.pk])
    signature = "data:image/png;base64," + base64.b64encode(png()).decode()
    client.force_login(driver)
    negative = client.post(
        url,
        {
            "count_laptop": "12",
            "weight_kg": "-4",
            "donor_signatory": "Claire",
            "donor_signature": signature,
            "driver_signature": signature,
        },
    )
    assert negative.status_code == 400 and "négatif" in negative.content.decode()
    assert Collection.objects.count() == 0
    response = client.post(
        url,
        {
            "count_laptop": "12",
            "weight_kg": "31,2",
            "donor_signatory": "Claire",
            "donor_signature": signature,
            "driver_signature": signature,
        },
    )
    assert response.status_code == 302
    collection = Collection.objects.get()
    assert collection.declared_count == 12 and str(collection.gross_weight_kg) == "31.200"
    slip = client.get(reverse("inventory:slip_download", args=[round_.pk, stop.pk]))
    assert slip.content.startswith(b"%PDF") and b"/Subtype /Image" in slip.content


def test_offer_screens_are_for_managers(client, site, make_user):
    worker = make_user(roles.BENCH_WORKER, username="w", site=site)
    client.force_login(worker)
    assert client.get(reverse("inventory:offer_list")).status_code == 403


def test_the_driver_reaches_the_round_from_the_top_bar(client, site, lead, make_user):
    driver = make_user(roles.BENCH_WORKER, username="driver", site=site)
    offer = donations.offer_accept(offer=submitted(site), actor=lead)
    round_ = donations.round_plan(
        site=site, date=timezone.localdate() + timedelta(days=3), vehicle="Kangoo",
        driver=driver, stops=[(offer, 20)], actor=lead,
    )  # fmt: skip
    client.force_login(driver)
    bar = client.get(reverse("skills:me")).content.decode()
    assert reverse("inventory:round_list") in bar
    listing = client.get(reverse("inventory:round_list")).content.decode()
    assert reverse("inventory:round_detail", args=[round_.pk]) in listing
    detail = client.get(reverse("inventory:round_detail", args=[round_.pk])).content.decode()
    assert reverse("inventory:slip_record", args=[round_.pk, round_.stops.get().pk]) in detail
