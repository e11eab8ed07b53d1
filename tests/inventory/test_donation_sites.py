"""The site picker of the offers and rounds screens: a network manager chooses the site whose
offers and rounds they see and plan; a manager of one site sees no picker and nothing of
another site, whatever the address says (issue 21)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import CollectionRound, DonationOffer
from inventory.services import donations
from tests import factories
from tests.inventory.test_donations import submitted
from workshop import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(db):
    return factories.SiteFactory(code="SE", name="Atelier de Saint-Étienne")


@pytest.fixture
def network(make_user):
    return make_user(roles.MANAGER, username="nadia")  # a manager with no site: every site


@pytest.fixture
def lead(make_user, site):
    return make_user(roles.MANAGER, username="lead", site=site)


def two_sites(site, other, make_user):
    """An offer and a round at each site, another offer accepted and waiting at each."""
    made = {}
    for place, code in ((site, "LY"), (other, "SE")):
        manager = make_user(roles.MANAGER, username=f"m-{code}", site=place)
        driver = make_user(roles.BENCH_WORKER, username=f"d-{code}", site=place)
        offer = donations.offer_accept(
            offer=submitted(place, organisation=f"Offre {code}", siret=""), actor=manager
        )
        waiting = donations.offer_accept(
            offer=submitted(place, organisation=f"Attente {code}", siret=""), actor=manager
        )
        round_ = donations.round_plan(
            site=place, date=timezone.localdate() + timedelta(days=3), vehicle=f"Van {code}",
            driver=driver, stops=[(offer, 10)], actor=manager,
        )  # fmt: skip
        made[code] = {"offer": offer, "waiting": waiting, "round": round_, "driver": driver}
    return made


def test_a_network_manager_picks_the_site_whose_offers_and_rounds_they_see(
    client, site, other, network, make_user
):
    made = two_sites(site, other, make_user)
    client.force_login(network)
    url = reverse("inventory:offer_list")
    every = client.get(url, {"status": "accepted"}).content.decode()
    assert "data-site-picker" in every and 'data-site="SE"' in every
    assert "Attente LY" in every and "Attente SE" in every
    picked = client.get(url, {"status": "accepted", "site": other.pk}).content.decode()
    assert "Attente SE" in picked and "Attente LY" not in picked
    assert f'data-round="{made["SE"]["round"].pk}"' in picked
    assert f'data-round="{made["LY"]["round"].pk}"' not in picked
    # the status tabs and the plan button keep the site chosen
    assert f"status=planned&amp;site={other.pk}" in picked
    assert f"{reverse('inventory:round_plan')}?site={other.pk}" in picked
    rounds = client.get(reverse("inventory:round_list"), {"site": other.pk}).content.decode()
    assert "data-site-picker" in rounds and "Van SE" in rounds and "Van LY" not in rounds
    junk = client.get(url, {"status": "accepted", "site": "9999"}).content.decode()
    assert "Attente LY" in junk and "Attente SE" in junk  # an unknown site: every site


def test_a_network_manager_plans_at_the_site_picked_with_its_offers_and_drivers(
    client, site, other, network, make_user
):
    made = two_sites(site, other, make_user)
    client.force_login(network)
    page = client.get(reverse("inventory:round_plan"), {"site": other.pk}).content.decode()
    assert "Saint-Étienne" in page and "data-site-picker" in page
    assert "Attente SE" in page and "Attente LY" not in page
    waiting, driver = made["SE"]["waiting"], made["SE"]["driver"]
    response = client.post(
        f"{reverse('inventory:round_plan')}?site={other.pk}",
        {
            "site": other.pk,
            "date": (timezone.localdate() + timedelta(days=4)).isoformat(),
            "vehicle": "Trafic",
            "driver": driver.pk,
            f"stop_{waiting.pk}": "1",
        },
    )
    assert response.status_code == 302
    assert CollectionRound.objects.get(vehicle="Trafic").site == other


def test_a_manager_of_one_site_sees_no_picker_and_nothing_of_another_site(
    client, site, other, lead, make_user
):
    made = two_sites(site, other, make_user)
    client.force_login(lead)
    url = reverse("inventory:offer_list")
    for params in ({"status": "accepted"}, {"status": "accepted", "site": other.pk}):
        page = client.get(url, params).content.decode()
        assert "data-site-picker" not in page
        assert "Attente LY" in page and "Attente SE" not in page
        assert f'data-round="{made["SE"]["round"].pk}"' not in page
    rounds = client.get(reverse("inventory:round_list"), {"site": other.pk}).content.decode()
    assert "data-site-picker" not in rounds and "Van SE" not in rounds
    # the other site's plan page, offer and round answer as if they did not exist
    plan = client.get(reverse("inventory:round_plan"), {"site": other.pk}).content.decode()
    assert "Attente SE" not in plan and "Attente LY" in plan
    se_offer, se_round = made["SE"]["waiting"], made["SE"]["round"]
    assert client.get(reverse("inventory:offer_detail", args=[se_offer.pk])).status_code == 404
    assert client.get(reverse("inventory:round_detail", args=[se_round.pk])).status_code == 404
    # ...and refuse a write: accepting, declining or planning the other site's offer
    post = client.post(
        reverse("inventory:offer_detail", args=[se_offer.pk]),
        {"action": "decline", "reason": "Non"},
    )
    assert post.status_code == 404
    response = client.post(
        reverse("inventory:round_plan"),
        {
            "site": other.pk,
            "date": (timezone.localdate() + timedelta(days=4)).isoformat(),
            "vehicle": "Intrus",
            "driver": made["SE"]["driver"].pk,
            f"stop_{se_offer.pk}": "1",
        },
    )
    assert not CollectionRound.objects.filter(vehicle="Intrus").exists()
    assert response.status_code in (200, 400)
    se_offer.refresh_from_db()
    assert se_offer.status == DonationOffer.Status.ACCEPTED


def test_a_driver_sees_the_rounds_of_their_site_only_and_no_picker(client, site, other, make_user):
    made = two_sites(site, other, make_user)
    client.force_login(made["LY"]["driver"])
    rounds = client.get(reverse("inventory:round_list"), {"site": other.pk}).content.decode()
    assert "data-site-picker" not in rounds and "Van LY" in rounds and "Van SE" not in rounds
    se_round = made["SE"]["round"]
    assert client.get(reverse("inventory:round_detail", args=[se_round.pk])).status_code == 404
    stop = se_round.stops.get()
    slip = reverse("inventory:slip_record", args=[se_round.pk, stop.pk])
    assert client.post(slip, {"count_laptop": "1", "weight_kg": "1"}).status_code == 404


def test_the_offer_list_of_a_network_manager_pins_its_queries(
    client, site, other, network, django_assert_num_queries
):
    for n in range(2):
        submitted(site, organisation=f"O{n}")
    client.force_login(network)
    url = reverse("inventory:offer_list")
    client.get(url, {"site": site.pk})
    with django_assert_num_queries(8) as first:  # the single-site list's 7, and the sites
        client.get(url, {"site": site.pk})
    for n in range(6):
        submitted(other if n % 2 else site, organisation=f"P{n}")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url, {"site": site.pk})
