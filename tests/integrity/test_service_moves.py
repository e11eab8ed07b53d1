"""Moves only a service may make: sold, returned, reserved and back (holes 1 and 4 of issue 15).

Each of them needs a row written by the shop in the same transaction (``refurb.proofs``); a
client naming an old invoice or credit note, or asking for ``reserved``, is refused.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from demo.walks import (
    demo_buyer,
    device_advance,
    device_install_system,
    device_pass_checklist,
    device_sell,
)
from refurb.models import Device, DeviceEvent
from refurb.proofs import proof_issue
from refurb.services import device_transition
from refurb.states import State
from shop.models import CreditNoteLine, Reservation, SaleLine
from shop.services import reservation_create, reservations_expire
from workshop.exceptions import DomainError


def _moves(device):
    return DeviceEvent.objects.filter(device=device, code="transition").count()


def _back_on_sale(device, crew):
    """Sold → returned → tested → graded → on_sale, the way the workshop does it."""
    device_advance(device, State.RETURNED, crew)
    device_pass_checklist(device, crew, now=device.state_changed_at + timedelta(hours=1))
    for target, who, kind, payload in (
        (State.TESTED, crew.bench, "test", None),
        (State.GRADED, crew.bench, "grading", {"grade": "B"}),
        (State.ON_SALE, crew.shop, "shop", None),
    ):
        if target == State.ON_SALE:  # back from a buyer: its system is installed again
            device_install_system(device, crew, now=device.state_changed_at + timedelta(hours=2))
        device_transition(
            device=device,
            to=target,
            actor=who,
            workstation=crew.stations[kind],
            payload=payload,
            now=device.state_changed_at + timedelta(hours=2),
        )


@pytest.mark.django_db
def test_the_api_refuses_to_sell_again_on_an_old_invoice(laptop, crew, client_as):
    _back_on_sale(laptop, crew)
    old = SaleLine.objects.filter(device=laptop).latest("pk").sale.number
    before = _moves(laptop)
    response = client_as(crew.shop).post(
        f"/api/devices/{laptop.asset_tag}/transitions/",
        {"to": "sold", "payload": {"invoice": old}},
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "service_only"
    laptop.refresh_from_db()
    assert laptop.state == State.ON_SALE
    assert _moves(laptop) == before


@pytest.mark.django_db
def test_the_api_refuses_to_return_again_on_an_old_credit_note(laptop, crew, client_as):
    _back_on_sale(laptop, crew)
    note = CreditNoteLine.objects.get(sale_line__device=laptop).credit_note.number
    device_sell(laptop, crew, now=laptop.state_changed_at + timedelta(hours=1))
    response = client_as(crew.shop).post(
        f"/api/devices/{laptop.asset_tag}/transitions/",
        {"to": "returned", "reason": "again", "payload": {"credit_note": note}},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (409, "service_only")
    assert Device.objects.get(pk=laptop.pk).state == State.SOLD


@pytest.mark.django_db
def test_an_old_sale_line_is_no_proof_even_inside_a_service(laptop, crew):
    _back_on_sale(laptop, crew)
    old_line = SaleLine.objects.filter(device=laptop).latest("pk")
    with pytest.raises(DomainError) as caught, transaction.atomic():
        device_transition(
            device=laptop,
            to=State.SOLD,
            actor=crew.shop,
            workstation=crew.stations["shop"],
            proof=proof_issue("sale", old_line),
        )
    assert caught.value.code == "sale_required"
    assert Device.objects.get(pk=laptop.pk).state == State.ON_SALE


@pytest.mark.django_db
def test_a_proof_of_another_kind_is_refused(laptop, crew):
    device_advance(laptop, State.RESERVED, crew)
    reservation = Reservation.objects.get(device=laptop)
    with pytest.raises(DomainError) as caught, transaction.atomic():
        device_transition(
            device=laptop,
            to=State.SOLD,
            actor=crew.shop,
            workstation=crew.stations["shop"],
            proof=proof_issue("reservation", reservation),
        )
    assert caught.value.code == "service_only"


@pytest.mark.django_db
@pytest.mark.parametrize("source,target", [("on_sale", "reserved"), ("reserved", "on_sale")])
def test_the_api_refuses_to_reserve_or_unreserve_without_the_shop(
    source, target, laptop, crew, client_as
):
    device_advance(laptop, source, crew)
    response = client_as(crew.shop).post(
        f"/api/devices/{laptop.asset_tag}/transitions/", {"to": target}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "service_only")
    assert Device.objects.get(pk=laptop.pk).state == source


@pytest.mark.django_db
def test_a_reserved_device_is_on_exactly_one_active_reservation(laptop, crew):
    device_advance(laptop, State.RESERVED, crew)
    assert Reservation.objects.filter(device=laptop, status="active").count() == 1


@pytest.mark.django_db
def test_expiry_closes_a_stale_reservation_and_still_expires_the_others(
    laptop, crew, site, bench_worker
):
    from tests import factories

    now = timezone.now()
    device_advance(laptop, State.ON_SALE, crew, now=now - timedelta(days=20))
    # A row left by the old API path: active, while its device is on sale.
    stale = Reservation.objects.create(
        device=laptop,
        buyer=demo_buyer(site, crew),
        expires_at=now - timedelta(days=2),
        created_at=now - timedelta(days=9),
    )
    other = factories.make_device(site=site, actor=bench_worker, make="HP", model="840")
    device_advance(other, State.ON_SALE, crew, now=now - timedelta(days=20))
    live = reservation_create(
        device=other,
        buyer=demo_buyer(site, crew),
        actor=crew.shop,
        workstation=crew.stations["shop"],
        expires_at=now - timedelta(days=1),
        now=now - timedelta(days=8),
    )
    out = StringIO()
    call_command("expire_reservations", stdout=out, stderr=StringIO())
    stale.refresh_from_db()
    live.refresh_from_db()
    assert (stale.status, live.status) == ("expired", "expired")
    assert Device.objects.get(pk=laptop.pk).state == State.ON_SALE
    assert Device.objects.get(pk=other.pk).state == State.ON_SALE
    assert "2 reservation(s) expired." in out.getvalue()
    assert reservations_expire(now=now) == []
