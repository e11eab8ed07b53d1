"""Row locks: concurrent moves of one device and concurrent tag allocation (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from refurb.models import Device, DeviceEvent
from refurb.states import State
from tests import factories
from workshop import services as workshop_services
from workshop.exceptions import DomainError
from workshop.tags import make_tag

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are real only on PostgreSQL (SQLite serialises every writer)",
    ),
]


def run_threads(count, work):
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def runner(index):
        try:
            barrier.wait()
            outcomes[index] = ("ok", work(index))
        except DomainError as error:
            outcomes[index] = ("refused", error.code)
        except Exception as error:  # noqa: BLE001 - report any failure to the test
            outcomes[index] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_ten_workers_writing_off_one_device_at_once_make_exactly_one_move(site, manager):
    device = factories.make_device(site=site, actor=manager)

    def work(_index):
        copy = Device.objects.get(pk=device.pk)
        return factories.transition(
            device=copy, to=State.WRITTEN_OFF, actor=manager, reason="introuvable"
        ).seq

    outcomes = run_threads(10, work)
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert {value for kind, value in outcomes if kind == "refused"} == {"move_not_allowed"}
    assert DeviceEvent.objects.filter(device=device, to_state=State.WRITTEN_OFF).count() == 1
    assert list(DeviceEvent.objects.filter(device=device).values_list("seq", flat=True)) == [1, 2]


def test_eight_intake_benches_registering_at_once_get_distinct_consecutive_tags(site, bench_worker):
    per_thread = 5

    def work(_index):
        return [
            factories.make_device(site=site, actor=bench_worker).asset_tag
            for _ in range(per_thread)
        ]

    outcomes = run_threads(8, work)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    tags = [tag for _, made in outcomes for tag in made]
    assert len(set(tags)) == 40
    numbers = sorted(int(tag[2:-1]) for tag in tags)
    assert numbers == list(range(1, 41))
    assert workshop_services.tag_allocate(site=site, kind="") == make_tag("LY", "", 41)


def test_signers_running_at_once_sign_each_head_once_in_order(site, manager):
    from refurb.chain import chain_heads_sign, chains_verify
    from refurb.models import ChainHeadSignature

    devices = [factories.make_device(site=site, actor=manager) for _ in range(3)]
    chain_heads_sign()
    for device in devices:
        factories.transition(device=device, to=State.WRITTEN_OFF, actor=manager, reason="x")

    outcomes = run_threads(4, lambda _index: chain_heads_sign(devices_per_batch=1).signed)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert sum(value for _kind, value in outcomes) == 3
    rows = ChainHeadSignature.objects.order_by("device_id", "seq")
    assert [(row.seq, row.prev_seq) for row in rows] == [(1, 0), (2, 1)] * 3
    assert chains_verify().ok


def test_six_coaches_signing_off_one_declaration_at_once_sign_it_off_once(
    site, bench_worker, make_user
):
    from refurb import services

    device = factories.make_device(site=site, actor=bench_worker)
    services.device_confirm_no_storage(device=device, actor=bench_worker)
    coaches = [make_user("coach", username=f"coach{i}") for i in range(6)]

    def work(index):
        copy = Device.objects.get(pk=device.pk)
        return services.device_sign_off_no_storage(device=copy, actor=coaches[index]).seq

    outcomes = run_threads(6, work)
    assert [kind for kind, _ in outcomes].count("ok") == 1, outcomes
    assert {value for kind, value in outcomes if kind == "refused"} == {"already_signed_off"}
    assert DeviceEvent.objects.filter(device=device, code="no_storage_signed_off").count() == 1


def test_a_sign_off_racing_a_drive_found_never_leaves_a_signed_off_device_with_a_drive(
    site, bench_worker, coach
):
    from refurb import services

    device = factories.make_device(site=site, actor=bench_worker)
    services.device_confirm_no_storage(device=device, actor=bench_worker)

    def work(index):
        copy = Device.objects.get(pk=device.pk)
        if index == 0:
            return services.device_sign_off_no_storage(device=copy, actor=coach).seq
        return services.drive_add(device=copy, actor=bench_worker, serial_number="LATE").pk

    outcomes = run_threads(2, work)
    assert outcomes[1][0] == "ok", outcomes
    assert outcomes[0] == ("refused", "has_drives") or outcomes[0][0] == "ok", outcomes
    device.refresh_from_db()
    assert device.drives.count() == 1
    assert not device.no_storage_signed_off and not device.no_storage_confirmed


def test_benches_adding_drives_singly_and_in_batches_at_once_get_distinct_consecutive_tags(
    site, bench_worker
):
    from refurb.chain import chains_verify
    from refurb.services import drive_add, drives_add
    from workshop.tags import DRIVE

    devices = [factories.make_device(site=site, actor=bench_worker) for _ in range(6)]

    def work(index):
        device = Device.objects.get(pk=devices[index].pk)
        specs = [{"serial_number": f"SN-{index}-{n}"} for n in range(3)]
        if index % 2:  # one report's drives at once
            return [d.tag for d in drives_add(device=device, drives=specs, actor=bench_worker)]
        return [drive_add(device=device, actor=bench_worker, **spec).tag for spec in specs]

    outcomes = run_threads(6, work)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    tags = [tag for _, made in outcomes for tag in made]
    assert sorted(int(tag[3:-1]) for tag in tags) == list(range(1, 19))
    assert workshop_services.tag_allocate(site=site, kind=DRIVE) == make_tag("LY", DRIVE, 19)
    assert chains_verify().ok


def test_two_reports_adding_drives_to_one_device_at_once_keep_its_chain(site, bench_worker):
    from refurb.chain import chains_verify
    from refurb.services import drives_add

    device = factories.make_device(site=site, actor=bench_worker)

    def work(index):
        copy = Device.objects.get(pk=device.pk)
        specs = [{"serial_number": f"SN-{index}-{n}"} for n in range(4)]
        return len(drives_add(device=copy, drives=specs, actor=bench_worker))

    assert run_threads(2, work) == [("ok", 4), ("ok", 4)]
    seqs = list(DeviceEvent.objects.filter(device=device).values_list("seq", flat=True))
    assert seqs == list(range(1, 10))
    assert Device.objects.get(pk=device.pk).event_seq == 9
    assert chains_verify().ok
