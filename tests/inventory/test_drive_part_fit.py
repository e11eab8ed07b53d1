"""A harvested drive fitted into another device belongs to that device from then on.

Its erasure evidence follows it (the receiving device's certificate lists it with its proof),
the receiving device's ``drives_safe`` guard keeps it, and the device it came from stays safe
(its donor's certificate still lists the drive, marked as taken out).
"""

from __future__ import annotations

import pytest

from inventory import services as inventory_services
from inventory.models import Part
from refurb import guards
from refurb.certificates.content import _check_safe, _devices_queryset, device_facts
from refurb.models import DeviceEvent, Drive, Repair
from refurb.selectors import device_data_safety
from tests import factories
from tests.inventory.test_parts import _harvest_desktop, _in_repair
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


def _fitted(site, crew):
    """A desktop harvested (its one drive a part), the drive fitted into a receiver in repair
    in repair (with a drive of its own)."""
    desktop, (_memory, drive_part, _psu) = _harvest_desktop(site, crew)
    receiver = _in_repair(site, crew, category="desktop", failing=None, drives=1)
    ticket = Repair.objects.get(device=receiver, status="open")
    inventory_services.part_fit(
        part=drive_part, repair=ticket, category="drive", actor=crew.bench,
        workstation=crew.stations[WK.TEST],
    )  # fmt: skip
    drive_part.refresh_from_db()
    receiver.refresh_from_db()
    desktop.refresh_from_db()
    return desktop, receiver, drive_part


def test_the_fitted_drive_moves_to_the_receiving_device_with_its_evidence(site, crew):
    desktop, receiver, drive_part = _fitted(site, crew)
    drive = Drive.objects.get(pk=drive_part.drive_id)
    assert drive.device_id == receiver.pk and drive.taken_from_id == desktop.pk
    assert drive_part.status == Part.Status.FITTED and drive_part.fitted_in_id == receiver.pk
    assert drive in receiver.drives.all() and drive not in desktop.drives.all()
    assert drive.erasures.filter(verified=True, result="success").exists()
    event = receiver.events.get(code=DeviceEvent.Code.PART_FITTED)
    assert event.payload["drive"] == drive.tag
    assert event.payload["drive_from"] == desktop.asset_tag
    # The receiving device's certificate lists it with its erasure proof…
    facts = device_facts(_devices_queryset().get(pk=receiver.pk))
    listed = {row["tag"]: row for row in facts["drives"]}
    assert drive.tag in listed and listed[drive.tag]["proof"] is not None
    assert "taken_out" not in listed[drive.tag]
    # …and the donor's certificate of the origin still lists it, as taken out.
    origin_facts = device_facts(_devices_queryset().get(pk=desktop.pk))
    assert [row["tag"] for row in origin_facts["drives"]] == [drive.tag]
    assert origin_facts["drives"][0]["taken_out"] is True and not origin_facts["no_storage"]


def test_drives_safe_holds_for_both_devices(site, crew):
    desktop, receiver, drive_part = _fitted(site, crew)
    # The origin has no drive left: it is safe because its drive went out as a part (not
    # "storage unchecked"), prefetched or not.
    assert not desktop.drives.exists()
    assert device_data_safety(desktop).safe
    assert device_data_safety(_devices_queryset().get(pk=desktop.pk)).safe
    guards.drives_safe(desktop, None)
    _check_safe([_devices_queryset().get(pk=desktop.pk)])  # its donor's certificate may issue
    # The receiving device is safe with the fitted drive erased…
    assert device_data_safety(receiver).safe
    guards.drives_safe(receiver, None)
    # …and refused as soon as that drive is no longer proven erased (a failed sample check
    # or a return puts it back to "to erase"): the guard now speaks for the fitted drive.
    Drive.objects.filter(pk=drive_part.drive_id).update(status=Drive.Status.PENDING)
    with pytest.raises(DomainError) as refused:
        guards.drives_safe(receiver, None)
    assert refused.value.code == "drives_not_safe"
    assert refused.value.fields["drives"] == [drive_part.drive.tag]
    # The origin does not hold it any more: it stays safe.
    assert device_data_safety(desktop).safe


def test_a_device_whose_drives_were_never_recorded_is_still_unchecked(site, crew):
    """The new rule is narrow: no drive recorded and none taken out stays "storage unchecked"."""
    bare = factories.make_device(site=site, category_code="laptop", actor=crew.bench)
    safety = device_data_safety(bare)
    assert not safety.safe and safety.needs_storage_check
