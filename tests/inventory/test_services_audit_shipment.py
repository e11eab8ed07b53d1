"""Recycling shipments: all-or-nothing shipping, the erasure invariant, weights, certificate."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from inventory import services
from inventory.documents.shipment import shipment_slip_pdf
from inventory.models import RecyclingShipment
from refurb import services as refurb_services
from refurb.models import DeviceEvent
from refurb.states import State
from tests.inventory.audit_helpers import fast_passwords, make_crew, walked_device  # noqa: F401
from workshop.exceptions import DomainError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    return make_crew(
        bench=bench_worker, coach=coach, shop=shop_staff, manager=manager, station=station
    )


@pytest.fixture
def shipment(site):
    return services.shipment_open(site=site, recycler="Envie 2E Rhône")


def in_repair(site, crew, **kwargs):
    return walked_device(site=site, crew=crew, state=State.IN_REPAIR, now=T0, **kwargs)


@pytest.mark.django_db
def test_shipping_recycles_the_devices_in_repair_and_weighs_the_whole_shipment(
    site, crew, shipment, manager
):
    broken = in_repair(site, crew, weight_kg="2.200")
    carcass = walked_device(site=site, crew=crew, state=State.HARVESTED, now=T0)
    services.shipment_add_device(shipment=shipment, device=broken)
    services.shipment_add_device(shipment=shipment, device=carcass, weight_kg="1.100")
    services.shipment_add_parts(shipment=shipment, description="Câbles", weight_kg="3.5")
    seq = broken.event_seq

    shipped = services.shipment_ship(shipment=shipment, actor=manager, now=T0)

    broken.refresh_from_db()
    carcass.refresh_from_db()
    assert (broken.state, carcass.state) == (State.RECYCLED, State.HARVESTED)
    event = DeviceEvent.objects.get(device=broken, seq=seq + 1)
    assert (event.to_state, event.payload["shipment"]) == (State.RECYCLED, shipment.pk)
    assert shipped.status == RecyclingShipment.Status.SHIPPED
    assert shipped.weight_kg == Decimal("6.800")
    assert set(shipped.lines.exclude(device=None).values_list("device_id", flat=True)) == {
        broken.pk,
        carcass.pk,
    }


@pytest.mark.django_db
def test_one_device_still_holding_data_refuses_the_whole_shipment_and_names_it(
    site, crew, shipment, manager, bench_worker
):
    safe = in_repair(site, crew)
    unsafe = in_repair(site, crew)
    services.shipment_add_device(shipment=shipment, device=safe)
    services.shipment_add_device(shipment=shipment, device=unsafe)
    refurb_services.drive_add(device=unsafe, actor=bench_worker, serial_number="WD-FORGOTTEN")

    with pytest.raises(DomainError) as error:
        services.shipment_ship(shipment=shipment, actor=manager)

    assert error.value.code == "drives_not_safe"
    assert error.value.fields == {"devices": [unsafe.asset_tag]}
    assert unsafe.asset_tag in error.value.message
    safe.refresh_from_db()
    shipment.refresh_from_db()
    assert safe.state == State.IN_REPAIR
    assert shipment.status == RecyclingShipment.Status.OPEN


@pytest.mark.django_db
def test_a_device_for_sale_cannot_join_a_recycling_shipment(site, crew, shipment):
    for_sale = walked_device(site=site, crew=crew, state=State.ON_SALE, now=T0)
    with pytest.raises(DomainError) as error:
        services.shipment_add_device(shipment=shipment, device=for_sale)
    assert error.value.code == "not_for_recycling"


@pytest.mark.django_db
def test_a_shipped_shipment_no_longer_changes_but_takes_its_certificate(
    site, crew, shipment, manager
):
    services.shipment_add_device(shipment=shipment, device=in_repair(site, crew))
    with pytest.raises(DomainError):
        services.shipment_record_certificate(shipment=shipment, certificate_ref="ENV-2026-118")
    services.shipment_ship(shipment=shipment, actor=manager)
    with pytest.raises(DomainError) as error:
        services.shipment_add_parts(shipment=shipment, description="Cartes", weight_kg="1")
    assert error.value.code == "shipment_shipped"
    certified = services.shipment_record_certificate(
        shipment=shipment, certificate_ref="ENV-2026-118"
    )
    assert certified.certificate_ref == "ENV-2026-118"


@pytest.mark.django_db
def test_the_shipment_slip_is_a_pdf(site, crew, shipment):
    services.shipment_add_device(shipment=shipment, device=in_repair(site, crew))
    assert shipment_slip_pdf(shipment).startswith(b"%PDF")
