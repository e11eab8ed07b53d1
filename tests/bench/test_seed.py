"""The bench seeder writes data the real services accept: checked on a tiny data set."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bench.seed import SeedContext, seed
from refurb.guards import checklist_passed
from refurb.models import Device, DeviceEvent, Drive, NistMethod
from refurb.selectors import device_data_safety
from refurb.services import device_register, device_transition, drive_record_erasure
from refurb.states import State
from refurb.transitions import find_move
from shop.services import buyer_create, reservation_create
from tests import factories
from workshop.models import Workstation, WorkstationKind

N = 60
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def seeded(db):
    ctx = SeedContext(devices=N, seed=3, chunk=25, now=NOW, log=lambda _text: None)
    return seed(ctx)


def histories():
    events: dict[int, list[DeviceEvent]] = {}
    for event in DeviceEvent.objects.order_by("device_id", "seq"):
        events.setdefault(event.device_id, []).append(event)
    return events


def test_the_seeder_writes_the_number_of_devices_asked_for(seeded):
    assert Device.objects.count() == N
    assert seeded.rows["devices"] == N


def test_statistics_are_refreshed_before_the_rollups_read_the_history(seeded):
    from bench.seed.run import STEPS

    names = [step.name for step in STEPS]
    assert names.index("devices") < names.index("analyze") < names.index("rollups")
    assert names.index("rollups") < names.index("analyze_rollups")
    assert {"analyze", "rollups", "analyze_rollups"} <= set(seeded.timings)


def test_rebuild_states_finds_no_mismatch(seeded):
    call_command("rebuild_states", "--quiet")


def test_every_history_is_numbered_one_to_k_and_event_seq_is_k(seeded):
    events = histories()
    for device in Device.objects.all():
        seqs = [event.seq for event in events[device.pk]]
        assert seqs == list(range(1, len(seqs) + 1))
        assert device.event_seq == len(seqs)


def test_every_history_is_a_valid_path_through_the_transition_table(seeded):
    events = histories()
    for device in Device.objects.all():
        history = events[device.pk]
        assert history[0].code == DeviceEvent.Code.REGISTERED
        assert history[0].to_state == State.RECEIVED
        state = State.RECEIVED
        for event in history[1:]:
            if event.code == DeviceEvent.Code.TRANSITION:
                assert event.from_state == state
                find_move(event.from_state, event.to_state)
                state = event.to_state
            else:
                assert event.from_state == event.to_state == ""
        assert device.state == state


def test_events_are_in_time_order_and_state_changed_at_is_the_last_transition(seeded):
    events = histories()
    for device in Device.objects.all():
        history = events[device.pk]
        times = [event.created_at for event in history]
        assert times == sorted(times)
        assert times[-1] < NOW
        transitions = [e for e in history if e.code == DeviceEvent.Code.TRANSITION]
        last = transitions[-1].created_at if transitions else device.received_at
        assert device.state_changed_at == last


def test_devices_past_received_hold_no_data_and_tested_ones_passed_their_checklist(seeded):
    events = histories()
    for device in Device.objects.select_related("category"):
        reached = {e.to_state for e in events[device.pk] if e.code == DeviceEvent.Code.TRANSITION}
        if State.WIPED in reached:
            assert device_data_safety(device).safe, device.asset_tag
        if State.TESTED in reached and device.state != State.IN_REPAIR:
            checklist_passed(device, None)


def test_graded_devices_carry_the_grade_of_their_history(seeded):
    for device in Device.objects.filter(
        state__in=[State.GRADED, State.ON_SALE, State.RESERVED, State.SOLD]
    ):
        last = DeviceEvent.objects.filter(device=device).order_by("-seq").first()
        assert device.grade is not None
        assert last.payload["grade"] == device.grade.code


def test_drive_status_matches_its_erasures_and_destructions(seeded):
    for drive in Drive.objects.prefetch_related("erasures"):
        proof = any(erasure.is_proof for erasure in drive.erasures.all())
        destroyed = hasattr(drive, "destruction")
        expected = (
            Drive.Status.DESTROYED
            if destroyed
            else Drive.Status.ERASED
            if proof
            else Drive.Status.PENDING
        )
        assert drive.status == expected


def shop_crew(device):
    station = Workstation.objects.get(site=device.site, kind=WorkstationKind.SHOP)
    user = factories.UserFactory(roles=["shop"], username="bench-test-shop", site=device.site)
    return user, station


def test_a_seeded_device_on_sale_can_be_reserved_by_the_service(seeded):
    device = Device.objects.filter(state=State.ON_SALE).first()
    before = device.event_seq
    user, station = shop_crew(device)
    buyer = buyer_create(kind="public", name="Client", actor=user)
    reservation_create(device=device, buyer=buyer, actor=user, workstation=station, now=NOW)
    device.refresh_from_db()
    assert (device.state, device.event_seq) == (State.RESERVED, before + 1)


def test_a_seeded_received_device_is_erased_and_wiped_by_the_services(seeded):
    device = Device.objects.filter(state=State.RECEIVED, drives__isnull=False).distinct().first()
    assert device is not None, "the seed should hold received devices with drives"
    bench = factories.UserFactory(
        roles=["bench_worker"], username="bench-test-worker", site=device.site
    )
    station = Workstation.objects.filter(site=device.site, kind=WorkstationKind.ERASURE).first()
    for drive in device.drives.all():
        drive_record_erasure(
            drive=drive, method=NistMethod.CLEAR, tool="nwipe", result="success",
            verified=True, actor=bench, workstation=station, now=NOW,
        )  # fmt: skip
    device_transition(device=device, to=State.WIPED, actor=bench, workstation=station, now=NOW)
    device.refresh_from_db()
    assert device.state == State.WIPED
    call_command("rebuild_states", "--quiet")


def test_tags_registered_after_the_seed_do_not_collide_with_seeded_ones(seeded):
    device = Device.objects.first()
    new = device_register(
        site=device.site,
        category=device.category,
        actor=None,
        now=NOW + timedelta(minutes=1),
    )
    assert Device.objects.filter(asset_tag=new.asset_tag).count() == 1
