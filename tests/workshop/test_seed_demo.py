"""The demo workshop loads once, spans every state, and its histories are consistent."""

import pytest
from django.core.management import call_command

from refurb.models import Device
from refurb.states import State

pytestmark = pytest.mark.django_db


def test_the_demo_puts_devices_in_every_state_and_loads_only_once(capsys):
    call_command("seed_demo")
    first = Device.objects.count()
    assert set(Device.objects.values_list("state", flat=True)) == set(State.values)
    call_command("seed_demo")
    assert Device.objects.count() == first
    out = capsys.readouterr().out
    assert "already loaded" in out and "atelier-demo-2026" in out


def test_the_demo_histories_rebuild_to_the_same_states(capsys):
    call_command("seed_demo")
    call_command("rebuild_states", "--quiet")
    assert "matches its event log" in capsys.readouterr().out


def test_every_demo_worker_gets_a_badge_and_pin_printed_that_sign_them_in(client, capsys):
    from django.urls import reverse

    from demo.management.commands.seed_demo import BADGES, USERS

    call_command("seed_demo")
    out = capsys.readouterr().out
    for username, *_rest in USERS:
        code, pin = BADGES[username]
        assert f"badge {code} · PIN {pin}" in out
    code, pin = BADGES["salome"]
    response = client.post(
        reverse("bench:signin"), {"method": "badge", "badge-badge": code, "badge-pin": pin}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_the_demo_has_donation_offers_in_every_state_and_a_round(capsys):
    from inventory.models import CollectionRound, DonationOffer, PickupSlip

    call_command("seed_demo")
    statuses = set(DonationOffer.objects.values_list("status", flat=True))
    assert statuses == set(DonationOffer.Status.values)
    assert CollectionRound.objects.count() == 1 and PickupSlip.objects.count() == 1
    call_command("seed_demo")
    assert DonationOffer.objects.count() == 6
