"""The transition table, row by row: every move allowed for its roles and refused for others."""

from __future__ import annotations

import itertools

import pytest

from demo.walks import (
    STATION_FOR,
    Crew,
    demo_buyer,
    device_advance,
    device_make_safe,
    device_pass_checklist,
)
from refurb import transitions
from refurb.models import DeviceEvent
from refurb.services import device_transition
from refurb.states import HELD_STATES, State
from tests import factories
from workshop import roles
from workshop.exceptions import DomainError
from workshop.models import Workstation, WorkstationKind

ROLE_CODES = sorted(roles.ALL_ROLES)


def _move_id(move):
    return f"{move.source}->{move.target}"


CASES = [
    pytest.param(move, role, role in move.roles, id=f"{_move_id(move)}:{role}")
    for move in transitions.MOVES
    for role in ROLE_CODES
]


@pytest.fixture
def crew(site, bench_worker, coach, shop_staff, manager, station):
    kinds = {kind for kind in STATION_FOR.values()} | {"intake"}
    return Crew(
        bench=bench_worker,
        coach=coach,
        shop=shop_staff,
        manager=manager,
        stations={kind: station(kind) for kind in kinds},
    )


def perform(move, device, actor, station, reason, payload, crew):
    """Make ``move`` the way the workshop does: sales, returns and reservations go through the
    shop's services (they are service-only moves)."""
    from shop.models import Reservation, SaleLine
    from shop.services import (
        reservation_create,
        reservation_release,
        sale_complete,
        sale_return,
    )

    if move.service == "drive_found":
        from refurb.services import drive_add

        return drive_add(device=device, actor=actor, serial_number="LATE-1", workstation=station)
    if move.target == State.RESERVED and move.source == State.ON_SALE:
        return reservation_create(
            device=device, buyer=demo_buyer(device.site, crew), actor=actor, workstation=station
        )
    if move.source == State.RESERVED and move.target == State.ON_SALE:
        reservation = Reservation.objects.get(device=device, status=Reservation.Status.ACTIVE)
        return reservation_release(reservation=reservation, actor=actor, workstation=station)

    if move.target == State.SOLD:
        return sale_complete(
            site=device.site,
            buyer=demo_buyer(device.site, crew),
            items=[device],
            payment_method="cash",
            actor=actor,
            workstation=station,
        )
    if move.service == "write_off":
        from refurb.services import device_write_off

        return device_write_off(device=device, actor=actor, workstation=station, reason=reason)
    if move.target == State.RETURNED and move.source == State.SOLD:
        sale = SaleLine.objects.filter(device=device).latest("id").sale
        return sale_return(
            sale=sale, devices=[device], reason=reason, actor=actor, workstation=station
        )
    return device_transition(
        device=device,
        to=move.target,
        actor=actor,
        workstation=station,
        reason=reason,
        payload=payload,
    )


def device_in(source: str, crew: Crew, site, *, target: str):
    """Return a laptop in ``source`` whose guards for moving to ``target`` hold."""
    device = factories.make_device(site=site, actor=crew.bench, make="Dell", model="E7240")
    from refurb.services import drive_add

    drive_add(device=device, actor=crew.bench, serial_number="WD-1", kind="ssd")
    if source == State.WRITTEN_OFF:
        device_advance(device, State.GRADED, crew) if target == State.GRADED else None
        device_advance(device, State.WRITTEN_OFF, crew) if target != State.GRADED else None
        if target == State.GRADED:
            factories.transition(
                device=device, to=State.WRITTEN_OFF, actor=crew.manager, reason="perdu"
            )
        return device
    device_advance(device, source, crew)
    if target == State.WIPED:
        device_make_safe(device, crew, now=None or device.state_changed_at)
    if target == State.TESTED:
        device_pass_checklist(device, crew, now=device.state_changed_at)
    return device


@pytest.mark.django_db
@pytest.mark.parametrize("move,role,allowed", CASES)
def test_each_move_is_allowed_exactly_for_the_roles_the_table_names(
    move, role, allowed, crew, site, make_user
):
    device = device_in(move.source, crew, site, target=move.target)
    if move.source == State.WRITTEN_OFF and move.target != State.GRADED:
        # Found again goes back to the state before the write-off, nowhere else.
        allowed = False if move.target != State.RECEIVED else allowed
    actor = make_user(role, username=f"actor-{role}")
    station = crew.stations.get(next(iter(sorted(move.stations))) if move.stations else "intake")
    payload = {"grade": "A"} if move.target == State.GRADED else None
    events_before = DeviceEvent.objects.filter(device=device).count()
    reason = "raison de test"
    if allowed:
        perform(move, device, actor, station, reason, payload, crew)
        device.refresh_from_db()
        event = DeviceEvent.objects.filter(device=device, code="transition").latest("seq")
        assert device.state == move.target
        assert (event.from_state, event.to_state, event.actor) == (move.source, move.target, actor)
        # A drive found is two events: the drive, then the move back to received.
        added = 2 if move.service == "drive_found" else 1
        assert DeviceEvent.objects.filter(device=device).count() == events_before + added
    else:
        with pytest.raises(DomainError) as caught:
            perform(move, device, actor, station, reason, payload, crew)
        if role not in move.roles:
            assert caught.value.code == "role_forbidden"
            assert caught.value.status == 403
        device.refresh_from_db()
        assert device.state == move.source
        assert DeviceEvent.objects.filter(device=device).count() == events_before


ALL_PAIRS = [
    pytest.param(source, target, id=f"{source}->{target}")
    for source, target in itertools.product(State.values, State.values)
    if target not in transitions.moves_from(source)
]


@pytest.mark.parametrize("source,target", ALL_PAIRS)
def test_every_pair_missing_from_the_table_is_refused_as_not_allowed(source, target):
    with pytest.raises(DomainError) as caught:
        transitions.find_move(source, target)
    assert caught.value.code == "move_not_allowed"
    assert caught.value.status == 409


def test_every_held_state_can_be_written_off_by_a_manager_only():
    for held in HELD_STATES:
        move = transitions.find_move(held, State.WRITTEN_OFF)
        assert move.roles == {roles.MANAGER}
        assert move.needs_reason
        assert move.service == "write_off"


def test_every_exit_from_the_building_checks_the_erasure_invariant():
    from refurb import guards

    exits = [
        move
        for move in transitions.MOVES
        if move.target in (State.SOLD, State.RECYCLED, State.HARVESTED)
    ]
    assert {move.target for move in exits} == {State.SOLD, State.RECYCLED, State.HARVESTED}
    for move in exits:
        assert guards.drives_safe in move.guards, _move_id(move)


def test_the_moves_a_bench_worker_may_try_from_wiped_come_from_the_table():
    bench = Workstation(kind=WorkstationKind.TEST)
    targets = transitions.allowed_targets(
        State.WIPED, roles=frozenset({roles.BENCH_WORKER}), workstation=bench
    )
    assert sorted(targets) == sorted([State.TESTED, State.IN_REPAIR])
    assert transitions.allowed_targets(State.WIPED, roles=frozenset({roles.BENCH_WORKER})) == []


def test_a_shop_workstation_cannot_be_used_to_wipe_a_device():
    from workshop.models import Workstation, WorkstationKind

    move = transitions.find_move(State.RECEIVED, State.WIPED)
    with pytest.raises(DomainError) as caught:
        transitions.check_permission(
            move,
            roles=frozenset({roles.BENCH_WORKER}),
            workstation=Workstation(kind=WorkstationKind.SHOP),
        )
    assert caught.value.code == "workstation_forbidden"
