"""Stocktakes: scans, set-based reconciliation, resolutions and closing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from inventory import services
from inventory.models import Stocktake, StocktakeLine, StocktakeScan
from refurb.models import DeviceEvent, WriteOff
from refurb.states import State
from tests import factories
from tests.inventory.audit_helpers import fast_passwords, make_crew, walked_device  # noqa: F401
from workshop.exceptions import DomainError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
K = StocktakeLine.Kind
R = StocktakeLine.Resolution


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    return make_crew(
        bench=bench_worker, coach=coach, shop=shop_staff, manager=manager, station=station
    )


@pytest.fixture
def shelves(site):
    return (
        services.location_create(site=site, name="Étagère A1"),
        services.location_create(site=site, name="Étagère A2"),
    )


@pytest.fixture
def floor(site, crew, shelves):
    """One device for every reconciliation case, before anyone scans."""
    a1, a2 = shelves

    def device(state, location, **kwargs):
        return walked_device(site=site, crew=crew, state=state, now=T0, location=location, **kwargs)

    return {
        "found": device(State.TESTED, a1, serial_number="SN-FOUND-1"),
        "elsewhere": device(State.ON_SALE, a1),
        "missing": device(State.WIPED, a2),
        "sold": device(State.SOLD, a1),
        "written_off": device(State.WRITTEN_OFF, a1),
    }


def lines_by_code(stocktake):
    return {line.code: line for line in stocktake.lines.all()}


@pytest.mark.django_db
def test_a_code_scanned_twice_counts_once_where_it_was_first_found(site, manager, shelves, floor):
    a1, a2 = shelves
    stocktake = services.stocktake_open(site=site, actor=manager)
    tag = floor["found"].asset_tag
    first, created = services.stocktake_record_scan(
        stocktake=stocktake, code=tag, location=a1, actor=manager
    )
    again, created_again = services.stocktake_record_scan(
        stocktake=stocktake, code="SN-FOUND-1", location=a2, actor=manager
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.location == a1
    assert StocktakeScan.objects.filter(stocktake=stocktake).count() == 1


@pytest.mark.django_db
def test_a_mistyped_tag_is_refused_so_the_worker_scans_again(site, manager, shelves, floor):
    stocktake = services.stocktake_open(site=site, actor=manager)
    tag = floor["found"].asset_tag
    wrong = tag[:-1] + ("A" if tag[-1] != "A" else "B")
    with pytest.raises(DomainError) as error:
        services.stocktake_record_scan(
            stocktake=stocktake, code=wrong, location=shelves[0], actor=manager
        )
    assert error.value.code == "tag_check_failed"
    assert not stocktake.scans.exists()


@pytest.mark.django_db
def test_a_partial_stocktake_refuses_scans_outside_its_locations(site, manager, shelves, floor):
    a1, a2 = shelves
    stocktake = services.stocktake_open(site=site, actor=manager, locations=[a1])
    with pytest.raises(DomainError) as error:
        services.stocktake_record_scan(
            stocktake=stocktake, code=floor["found"].asset_tag, location=a2, actor=manager
        )
    assert error.value.code == "location_out_of_scope"


def scan_everything(stocktake, floor, shelves, actor):
    a1, a2 = shelves
    for key, location in (
        ("found", a1),
        ("elsewhere", a2),
        ("sold", a1),
        ("written_off", a2),
    ):
        services.stocktake_record_scan(
            stocktake=stocktake, code=floor[key].asset_tag, location=location, actor=actor
        )
    services.stocktake_record_scan(
        stocktake=stocktake, code="BOX-WITHOUT-LABEL-7", location=a1, actor=actor
    )


@pytest.mark.django_db
def test_reconciliation_sorts_every_finding(site, manager, shelves, floor):
    stocktake = services.stocktake_open(site=site, actor=manager)
    scan_everything(stocktake, floor, shelves, manager)
    summary = services.stocktake_reconcile(stocktake=stocktake)
    lines = lines_by_code(stocktake)
    a1, a2 = shelves
    assert {code: line.kind for code, line in lines.items()} == {
        floor["elsewhere"].asset_tag: K.ELSEWHERE,
        floor["missing"].asset_tag: K.MISSING,
        floor["sold"].asset_tag: K.UNEXPECTED,
        floor["written_off"].asset_tag: K.UNEXPECTED,
        "BOX-WITHOUT-LABEL-7": K.UNKNOWN,
    }
    elsewhere = lines[floor["elsewhere"].asset_tag]
    assert (elsewhere.expected_location, elsewhere.scanned_location) == (a1, a2)
    assert lines[floor["sold"].asset_tag].device_state == State.SOLD
    assert summary[K.FOUND] == 1  # counted from the scans; its line is written at closing
    assert summary["unresolved"] == 5 and summary["scans"] == 5


@pytest.mark.django_db
def test_reconciling_again_keeps_resolutions_whose_finding_did_not_change(
    site, manager, shelves, floor
):
    stocktake = services.stocktake_open(site=site, actor=manager)
    scan_everything(stocktake, floor, shelves, manager)
    services.stocktake_reconcile(stocktake=stocktake)
    lines = lines_by_code(stocktake)
    services.stocktake_resolve_line(
        line=lines[floor["elsewhere"].asset_tag], resolution=R.MOVE, actor=manager
    )
    services.stocktake_resolve_line(
        line=lines[floor["missing"].asset_tag], resolution=R.WRITE_OFF, reason="x", actor=manager
    )
    services.stocktake_record_scan(
        stocktake=stocktake, code=floor["missing"].asset_tag, location=shelves[1], actor=manager
    )
    services.stocktake_reconcile(stocktake=stocktake)
    lines = lines_by_code(stocktake)
    assert lines[floor["elsewhere"].asset_tag].resolution == R.MOVE
    assert floor["missing"].asset_tag not in lines  # now found where expected
    assert services.stocktake_reconcile(stocktake=stocktake)[K.FOUND] == 2


@pytest.mark.django_db
def test_a_partial_stocktake_expects_only_devices_of_its_locations(site, manager, shelves, floor):
    a1, _a2 = shelves
    stocktake = services.stocktake_open(site=site, actor=manager, locations=[a1])
    services.stocktake_reconcile(stocktake=stocktake)
    missing = set(stocktake.lines.filter(kind=K.MISSING).values_list("code", flat=True))
    assert missing == {floor["found"].asset_tag, floor["elsewhere"].asset_tag}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("finding", "resolution"),
    [
        ("elsewhere", R.WRITE_OFF),
        ("missing", R.MOVE),
        ("sold", R.FOUND_AGAIN),
    ],
)
def test_a_resolution_that_does_not_fit_the_finding_is_refused(
    site, manager, shelves, floor, finding, resolution
):
    stocktake = services.stocktake_open(site=site, actor=manager)
    scan_everything(stocktake, floor, shelves, manager)
    services.stocktake_reconcile(stocktake=stocktake)
    line = stocktake.lines.get(code=floor[finding].asset_tag)
    with pytest.raises(DomainError) as error:
        services.stocktake_resolve_line(line=line, resolution=resolution, reason="x", actor=manager)
    assert error.value.code == "resolution_not_allowed"


@pytest.mark.django_db
def test_closing_refuses_while_a_line_is_unresolved(site, manager, shelves, floor):
    stocktake = services.stocktake_open(site=site, actor=manager)
    scan_everything(stocktake, floor, shelves, manager)
    with pytest.raises(DomainError) as error:
        services.stocktake_close(stocktake=stocktake, actor=manager)
    assert error.value.code == "stocktake_unresolved"
    stocktake.refresh_from_db()
    assert stocktake.status == Stocktake.Status.OPEN


def resolve_all(stocktake, floor, manager):
    lines = lines_by_code(stocktake)
    decisions = {
        floor["elsewhere"].asset_tag: (R.MOVE, ""),
        floor["missing"].asset_tag: (R.WRITE_OFF, "Not found on the shelves"),
        floor["sold"].asset_tag: (R.IGNORE, ""),
        floor["written_off"].asset_tag: (R.FOUND_AGAIN, "Behind the shelf"),
        "BOX-WITHOUT-LABEL-7": (R.IGNORE, ""),
    }
    for code, (resolution, reason) in decisions.items():
        services.stocktake_resolve_line(
            line=lines[code], resolution=resolution, reason=reason, actor=manager
        )


def new_events(device, after_seq):
    return list(DeviceEvent.objects.filter(device=device, seq__gt=after_seq).order_by("seq"))


@pytest.mark.django_db
def test_closing_applies_each_resolution_through_the_services_and_logs_it(
    site, manager, shelves, floor
):
    a1, a2 = shelves
    stocktake = services.stocktake_open(site=site, actor=manager)
    scan_everything(stocktake, floor, shelves, manager)
    services.stocktake_reconcile(stocktake=stocktake)
    resolve_all(stocktake, floor, manager)
    seqs = {key: device.event_seq for key, device in floor.items()}
    closed_at = T0 + timedelta(days=10)
    services.stocktake_close(stocktake=stocktake, actor=manager, now=closed_at)

    moved = new_events(floor["elsewhere"], seqs["elsewhere"])
    assert [(e.code, e.payload["to"]) for e in moved] == [(DeviceEvent.Code.MOVED, a2.tag)]
    written_off = new_events(floor["missing"], seqs["missing"])
    assert [(e.code, e.from_state, e.to_state, e.reason) for e in written_off] == [
        ("transition", State.WIPED, State.WRITTEN_OFF, "Not found on the shelves")
    ]
    # The write-off is proved by its row (refurb.services.device_write_off).
    proof = WriteOff.objects.get(device=floor["missing"], created_at=closed_at)
    assert (proof.reason, proof.occasion, proof.actor) == (
        "Not found on the shelves",
        f"stocktake {stocktake.pk}",
        manager,
    )
    assert written_off[0].payload == {"stocktake": stocktake.pk, "write_off": proof.pk}
    found_again = new_events(floor["written_off"], seqs["written_off"])
    assert [(e.code, e.to_state) for e in found_again] == [
        ("transition", State.RECEIVED),
        ("moved", ""),
    ]
    assert found_again[0].payload["stocktake"] == stocktake.pk
    assert new_events(floor["sold"], seqs["sold"]) == []
    assert new_events(floor["found"], seqs["found"]) == []
    stocktake.refresh_from_db()
    assert (stocktake.status, stocktake.closed_at) == (Stocktake.Status.CLOSED, closed_at)
    found = stocktake.lines.get(code=floor["found"].asset_tag)
    assert (found.kind, found.resolution) == (K.FOUND, R.NONE_NEEDED)


@pytest.mark.django_db
def test_a_closed_stocktake_takes_no_more_scans(site, manager, shelves, floor):
    stocktake = services.stocktake_open(site=site, actor=manager, locations=[shelves[0]])
    services.stocktake_record_scan(
        stocktake=stocktake, code=floor["found"].asset_tag, location=shelves[0], actor=manager
    )
    services.stocktake_reconcile(stocktake=stocktake)
    for line in stocktake.lines.filter(resolution=R.PENDING):
        services.stocktake_resolve_line(line=line, resolution=R.IGNORE, actor=manager)
    services.stocktake_close(stocktake=stocktake, actor=manager)
    with pytest.raises(DomainError) as error:
        services.stocktake_record_scan(
            stocktake=stocktake, code=floor["sold"].asset_tag, location=shelves[0], actor=manager
        )
    assert error.value.code == "stocktake_closed"


@pytest.mark.django_db(transaction=True)
def test_two_scanners_at_once_count_every_label_once_and_close_cleanly(
    site, manager, bench_worker, shelves, floor
):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent scanners need PostgreSQL row locks; SQLite serialises writers.")
    a1, a2 = shelves
    extra = [
        factories.make_device(site=site, actor=bench_worker, location=a1) for _index in range(30)
    ]
    stocktake = services.stocktake_open(site=site, actor=manager)
    # Both scanners scan the shared labels, each also scans its own half.
    shared = [(floor["found"].asset_tag, a1), (floor["elsewhere"].asset_tag, a2)]
    shared += [(device.asset_tag, a1) for device in extra]
    own = {
        0: [(floor["sold"].asset_tag, a1), ("BOX-WITHOUT-LABEL-7", a1)],
        1: [(floor["written_off"].asset_tag, a2)],
    }
    barrier = threading.Barrier(2)
    created = {0: 0, 1: 0}
    errors = []

    def scanner(number, actor):
        try:
            barrier.wait()
            codes = shared + own[number] if number == 0 else own[number] + shared[::-1]
            for code, location in codes:
                _scan, was_created = services.stocktake_record_scan(
                    stocktake=stocktake, code=code, location=location, actor=actor
                )
                created[number] += was_created
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=scanner, args=(0, manager)),
        threading.Thread(target=scanner, args=(1, bench_worker)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    expected_codes = len(shared) + len(own[0]) + len(own[1])
    assert created[0] + created[1] == expected_codes
    assert stocktake.scans.count() == expected_codes
    summary = services.stocktake_reconcile(stocktake=stocktake)
    assert {kind: summary[kind] for kind in K.values} == {
        K.FOUND: 31,
        K.ELSEWHERE: 1,
        K.MISSING: 1,
        K.UNEXPECTED: 2,
        K.UNKNOWN: 1,
    }
    resolve_all(stocktake, floor, manager)
    seq = floor["missing"].event_seq
    services.stocktake_close(stocktake=stocktake, actor=manager)
    assert [e.to_state for e in new_events(floor["missing"], seq)] == [State.WRITTEN_OFF]
