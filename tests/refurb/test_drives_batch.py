"""A bench report's new drives are recorded together (``drives_add``): tags, events, chain."""

from __future__ import annotations

import pytest
from django.db import transaction

from refurb.chain import chains_verify
from refurb.models import DeviceEvent, Drive
from refurb.services import drives_add
from refurb.states import State
from tests import factories
from workshop.tags import DRIVE, make_tag

pytestmark = pytest.mark.django_db


def specs(count: int) -> list[dict]:
    return [
        {"kind": Drive.Kind.SSD, "serial_number": f" SN-{n} ", "capacity_bytes": 256 * 10**9}
        for n in range(count)
    ]


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    from demo.walks import Crew
    from workshop.models import WorkstationKind

    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in WorkstationKind.values},
    )


def test_drives_get_consecutive_tags_and_one_event_each_in_order(site, bench_worker, station):
    device = factories.make_device(site=site, actor=bench_worker)
    factories.make_device(site=site, actor=bench_worker)  # device tags do not take drive tags
    added = drives_add(device=device, drives=specs(3), actor=bench_worker, workstation=station())
    assert [drive.tag for drive in added] == [make_tag("LY", DRIVE, n) for n in (1, 2, 3)]
    assert [drive.serial_number for drive in added] == ["SN-0", "SN-1", "SN-2"]
    assert list(device.drives.order_by("id").values_list("tag", flat=True)) == [
        drive.tag for drive in added
    ]
    events = DeviceEvent.objects.filter(device=device).order_by("seq")
    assert [(event.seq, event.code) for event in events] == [
        (1, "registered"), (2, "drive_added"), (3, "drive_added"), (4, "drive_added")
    ]  # fmt: skip
    assert [event.payload["drive"] for event in events[1:]] == [drive.tag for drive in added]
    assert (device.event_seq, device.state) == (4, State.RECEIVED)
    device.refresh_from_db()
    assert (device.event_seq, device.no_storage_confirmed) == (4, False)
    assert chains_verify().ok


@pytest.mark.parametrize("count", [1, 4])
def test_drives_cost_the_same_queries_for_1_and_4(
    site, bench_worker, station, count, django_assert_num_queries
):
    device = factories.make_device(site=site, actor=bench_worker)
    workstation = station()
    drives_add(device=device, drives=specs(1), actor=bench_worker, workstation=workstation)
    # savepoint, lock, site, tag counter (one UPDATE … RETURNING; a savepoint, a lock, an
    # update and a release until issue 19), insert of the drives, insert of the events,
    # update of the device, release
    with transaction.atomic(), django_assert_num_queries(8):
        drives_add(device=device, drives=specs(count), actor=bench_worker, workstation=workstation)
    assert device.drives.count() == 1 + count


def test_a_drive_found_in_a_wiped_device_sends_it_back_to_received(site, crew):
    from demo.walks import device_advance

    device = factories.make_device(site=site, actor=crew.bench)
    device_advance(device, State.WIPED, crew)
    before = device.event_seq
    added = drives_add(
        device=device, drives=specs(2), actor=crew.bench, workstation=crew.stations["erasure"]
    )
    assert len(added) == 2
    device.refresh_from_db()
    assert device.state == State.RECEIVED
    codes = DeviceEvent.objects.filter(device=device, seq__gt=before).order_by("seq")
    # As drive_add records them: the first drive, the move back, the second drive.
    assert [event.code for event in codes] == ["drive_added", "transition", "drive_added"]
    assert chains_verify().ok


def test_a_report_finding_drives_undoes_a_signed_off_no_storage_declaration_and_says_who(
    site, bench_worker, coach, station
):
    from refurb.services import device_confirm_no_storage, device_sign_off_no_storage

    device = factories.make_device(site=site, actor=bench_worker)
    device_confirm_no_storage(device=device, actor=bench_worker)
    device_sign_off_no_storage(device=device, actor=coach)
    added = drives_add(
        device=device, drives=specs(2), actor=bench_worker, workstation=station("erasure")
    )
    device.refresh_from_db()
    assert not device.no_storage_confirmed and not device.no_storage_signed_off
    events = list(DeviceEvent.objects.filter(device=device, code="drive_added").order_by("seq"))
    assert [e.payload["drive"] for e in events] == [d.tag for d in added]
    assert events[0].payload.get("no_storage_undone") is True
    assert "no_storage_undone" not in events[1].payload
    assert {e.actor_kind for e in events} == {"person"}
    assert chains_verify().ok
