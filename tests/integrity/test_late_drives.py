"""Drives recorded after the fact (hole 5 of issue 15): back to received, no erasure claimed."""

from __future__ import annotations

import pytest

from demo.walks import device_advance, device_reserve, device_sell
from refurb.certificates.services import certificate_issue
from refurb.models import Device, DeviceEvent
from refurb.services import drive_add
from refurb.states import DRIVE_FOUND_STATES, State
from workshop.exceptions import DomainError


@pytest.mark.django_db
@pytest.mark.parametrize("source", DRIVE_FOUND_STATES)
def test_a_drive_found_after_received_sends_the_device_back_to_received(source, laptop, crew):
    device_advance(laptop, source, crew)
    drive_add(
        device=laptop, actor=crew.bench, serial_number="LATE", workstation=crew.stations["erasure"]
    )
    assert Device.objects.get(pk=laptop.pk).state == State.RECEIVED
    event = DeviceEvent.objects.filter(device=laptop, code="transition").latest("seq")
    assert (event.from_state, event.to_state, event.reason) == (source, "received", "drive found")


@pytest.mark.django_db
def test_the_public_page_of_a_device_with_a_late_drive_claims_no_erasure(laptop, crew, client):
    drive_add(device=laptop, actor=crew.bench, serial_number="FIRST", kind="ssd")
    device_advance(laptop, State.ON_SALE, crew)
    page = client.get(f"/d/{laptop.asset_tag}")
    assert "NIST SP 800-88" in page.content.decode()
    device_reserve(laptop, crew, now=laptop.state_changed_at)
    drive_add(device=laptop, actor=crew.bench, serial_number="LATE")
    assert Device.objects.get(pk=laptop.pk).state == State.RESERVED
    text = client.get(f"/d/{laptop.asset_tag}").content.decode()
    assert "NIST SP 800-88" not in text
    assert 'id="not-available"' in text
    with pytest.raises(DomainError) as sale:
        device_sell(laptop, crew, now=laptop.state_changed_at)
    assert sale.value.code == "drives_not_safe"
    with pytest.raises(DomainError) as certificate:
        certificate_issue(device=laptop, actor=crew.manager)
    assert certificate.value.code == "certificate_unsafe"


@pytest.mark.django_db
def test_no_drive_is_recorded_in_a_device_that_left_the_building(laptop, crew):
    from refurb.integrity import integrity_problems

    device_advance(laptop, State.SOLD, crew)
    with pytest.raises(DomainError) as caught:
        drive_add(device=laptop, actor=crew.bench, serial_number="LATE")
    assert (caught.value.code, caught.value.status) == ("device_gone", 409)
    assert integrity_problems() == []
