"""The device life cycle as one table: which state may follow which, by whom, and when.

Each ``Move`` names its source and target states, the roles allowed to make it, the kinds of
workstation it may be made from (none: any, or none at all), whether a reason is required, the
guards that must hold and the effects applied first (e.g. setting the grade from the request).
``refurb.services.device_transition`` is the only code that applies it. Read the table, not
the code, to know the rules; docs/design.md draws the same graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refurb import guards
from refurb.proofs import VERIFIERS, Proof
from refurb.repairs import repair_ticket_close, repair_ticket_open
from refurb.states import DRIVE_FOUND_STATES, HELD_STATES, State
from workshop.exceptions import DomainError
from workshop.models import WorkstationKind as WK
from workshop.roles import BENCH_WORKER, COACH, MANAGER, SHOP


@dataclass
class MoveContext:
    """What a move is asked with: who, from where, why, and any input (e.g. the grade)."""

    actor: object
    workstation: object | None
    target: str
    reason: str = ""
    payload: dict = field(default_factory=dict)
    now: datetime | None = None


Guard = Callable[[object, MoveContext], None]
Effect = Callable[[object, MoveContext], list[str]]


@dataclass(frozen=True)
class Move:
    source: State
    target: State
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    stations: frozenset[str] = frozenset()
    needs_reason: bool = False
    # The proof kind of a move only its owning service may make (``refurb.proofs``): "" for a
    # move anyone with the role may ask for.
    service: str = ""
    # The input fields a caller (API, screen) may send with the move, e.g. ``grade``; anything
    # else is refused (``check_inputs``). Services add their own record to the event payload.
    inputs: frozenset[str] = frozenset()


# What to do instead of asking for a service-only move, by proof kind.
SERVICE_HINTS = {
    "sale": gettext_lazy("A device is sold with an invoice: sell it at the shop counter."),
    "return": gettext_lazy(
        "A return is recorded with a credit note: take it back from the sale's page."
    ),
    "reservation": gettext_lazy("A device is reserved for a buyer: reserve it at the shop."),
    "reservation_end": gettext_lazy(
        "A reservation ends at the shop (release it) or when it expires."
    ),
    "write_off": gettext_lazy(
        "A device is written off by a manager, with a reason: use the write-off."
    ),
    "drive_found": gettext_lazy(
        "A device goes back to received when a drive is recorded in it: record the drive."
    ),
}


def apply_grade(device, ctx: MoveContext) -> list[str]:
    """Set the grade named in the request (``payload["grade"]``), if any."""
    code = (ctx.payload or {}).get("grade")
    if code in (None, ""):
        return []
    from refurb.models import Grade

    grade = Grade.objects.filter(code=str(code).upper()).first()
    if grade is None:
        raise DomainError(
            "invalid_grade",
            _("“%(grade)s” is not a grade: choose A, B or C.") % {"grade": code},
            fields={"grade": [_("Unknown grade.")]},
        )
    device.grade = grade
    return ["grade"]


BENCH = frozenset({BENCH_WORKER, COACH, MANAGER})
COACHES = frozenset({COACH, MANAGER})
SELLERS = frozenset({SHOP, COACH, MANAGER})
MANAGERS = frozenset({MANAGER})
ALL = frozenset({BENCH_WORKER, COACH, SHOP, MANAGER})

TEST_BENCHES = frozenset({WK.TEST, WK.GRADING})
EXITS = (guards.drives_safe,)
# A device entering repair gets its repair ticket; leaving it closes the ticket with an outcome.
OPEN_TICKET = (repair_ticket_open,)
CLOSE_TICKET = (repair_ticket_close,)

MOVES: tuple[Move, ...] = (
    Move(
        State.RECEIVED,
        State.WIPED,
        BENCH,
        (guards.drives_safe, guards.no_storage_signed_off),
        stations=frozenset({WK.ERASURE, WK.INTAKE}),
    ),
    Move(State.WIPED, State.TESTED, BENCH, (guards.checklist_passed,), stations=TEST_BENCHES),
    Move(State.WIPED, State.IN_REPAIR, BENCH, effects=OPEN_TICKET, stations=TEST_BENCHES),
    Move(State.TESTED, State.IN_REPAIR, BENCH, effects=OPEN_TICKET, stations=TEST_BENCHES),
    Move(
        State.IN_REPAIR,
        State.TESTED,
        BENCH,
        (guards.checklist_passed,),
        CLOSE_TICKET,
        stations=TEST_BENCHES,
    ),
    Move(State.IN_REPAIR, State.HARVESTED, COACHES, EXITS, CLOSE_TICKET, stations=TEST_BENCHES),
    Move(
        State.IN_REPAIR,
        State.RECYCLED,
        COACHES,
        EXITS,
        CLOSE_TICKET,
        stations=frozenset({WK.TEST, WK.GRADING, WK.STOCK}),
    ),
    Move(
        State.TESTED,
        State.GRADED,
        BENCH,
        (guards.grade_set,),
        (apply_grade,),
        stations=frozenset({WK.GRADING}),
        inputs=frozenset({"grade"}),
    ),
    Move(
        State.GRADED,
        State.ON_SALE,
        SELLERS,
        (guards.grade_set, guards.system_installed),
        stations=frozenset({WK.GRADING, WK.SHOP}),
    ),
    Move(
        State.ON_SALE,
        State.RESERVED,
        SELLERS,
        stations=frozenset({WK.SHOP}),
        service="reservation",
    ),
    Move(
        State.RESERVED,
        State.ON_SALE,
        SELLERS,
        stations=frozenset({WK.SHOP}),
        service="reservation_end",
    ),
    Move(State.ON_SALE, State.SOLD, SELLERS, EXITS, stations=frozenset({WK.SHOP}), service="sale"),
    Move(State.RESERVED, State.SOLD, SELLERS, EXITS, stations=frozenset({WK.SHOP}), service="sale"),
    Move(
        State.SOLD,
        State.RETURNED,
        SELLERS,
        stations=frozenset({WK.SHOP}),
        needs_reason=True,
        service="return",
    ),
    Move(State.RETURNED, State.IN_REPAIR, BENCH, effects=OPEN_TICKET, stations=TEST_BENCHES),
    Move(State.RETURNED, State.TESTED, BENCH, (guards.checklist_passed,), stations=TEST_BENCHES),
    # A drive recorded after the fact sends the device back to be erased (``drive_add``).
    *(
        Move(held, State.RECEIVED, ALL, service="drive_found", needs_reason=True)
        for held in DRIVE_FOUND_STATES
    ),
    *(
        Move(
            held,
            State.WRITTEN_OFF,
            MANAGERS,
            stations=frozenset({WK.STOCK}),
            needs_reason=True,
            service="write_off",
        )
        for held in sorted(HELD_STATES)
    ),
    *(
        Move(
            State.WRITTEN_OFF,
            held,
            MANAGERS,
            (guards.previous_state,),
            stations=frozenset({WK.STOCK}),
            needs_reason=True,
        )
        for held in sorted(HELD_STATES)
    ),
)

TABLE: dict[str, dict[str, Move]] = {}
for _move in MOVES:
    TABLE.setdefault(_move.source, {})[_move.target] = _move


def move_rules_register(
    *,
    into: str,
    sources: Iterable[str] | None = None,
    guards: tuple[Guard, ...] = (),
    effects: tuple[Effect, ...] = (),
) -> None:
    """Add a higher layer's guards and effects to the moves into ``into`` (from ``sources``,
    or from every state).

    Called from a higher app's ``hooks`` module (the shop prices a device put on sale and
    requires a sale for ``sold``), so this table never imports the layers above it.
    Registering the same function twice adds it once.
    """
    global MOVES
    for source, by_target in TABLE.items():
        move = by_target.get(into)
        if move is None or (sources is not None and source not in sources):
            continue
        by_target[into] = replace(
            move,
            guards=move.guards + tuple(g for g in guards if g not in move.guards),
            effects=move.effects + tuple(e for e in effects if e not in move.effects),
        )
    MOVES = tuple(move for by_target in TABLE.values() for move in by_target.values())


def moves_from(state: str) -> dict[str, Move]:
    """Return the moves the table allows from ``state``, by target."""
    return TABLE.get(state, {})


def parse_state(value: str) -> State:
    """Return the ``State`` named ``value`` or raise a ``DomainError`` listing valid ones."""
    try:
        return State(value)
    except ValueError:
        raise DomainError(
            "unknown_state",
            _("“%(state)s” is not a state. Valid states: %(states)s.")
            % {"state": value, "states": ", ".join(State.values)},
            fields={"to": [_("Unknown state.")]},
        ) from None


def find_move(source: str, target: str) -> Move:
    """Return the move from ``source`` to ``target`` or raise ``move_not_allowed``."""
    move = moves_from(source).get(target)
    if move is None:
        possible = ", ".join(str(State(t).label) for t in moves_from(source)) or "—"
        raise DomainError(
            "move_not_allowed",
            _(
                "A device that is “%(source)s” cannot become “%(target)s”. "
                "Possible next states: %(possible)s."
            )
            % {
                "source": State(source).label,
                "target": State(target).label,
                "possible": possible,
            },
            fields={"to": [_("Not allowed from the current state.")]},
            status=409,
        )
    return move


def check_service(move: Move, device, proof, ctx: MoveContext) -> None:
    """Refuse a service-only move unless ``proof`` is a fresh proof of its kind that the owning
    app's verifier accepts (``refurb.proofs``); a move of anyone passes."""
    if not move.service:
        return
    verifier = VERIFIERS.get(move.service)
    if (
        verifier is None
        or not isinstance(proof, Proof)
        or proof.kind != move.service
        or not proof.fresh
    ):
        raise DomainError(
            "service_only",
            _("“%(target)s” is not a move you can ask for. %(hint)s")
            % {"target": State(move.target).label, "hint": SERVICE_HINTS.get(move.service, "")},
            fields={"to": [_("Recorded by its own service, not as a move.")]},
            status=409,
        )
    verifier(device, proof.obj, ctx)


def check_inputs(move: Move, inputs: dict) -> None:
    """Refuse (400, one error per field) any input field ``move`` does not declare."""
    unknown = sorted(str(name) for name in inputs if name not in move.inputs)
    if unknown:
        declared = ", ".join(sorted(move.inputs)) or "—"
        raise DomainError(
            "invalid",
            _("This move takes no field %(fields)s. Its fields: %(declared)s.")
            % {"fields": ", ".join(unknown), "declared": declared},
            fields={name: [_("Not a field of this move.")] for name in unknown},
            status=400,
        )


def check_permission(move: Move, *, roles: frozenset[str], workstation) -> None:
    """Raise a 403 ``DomainError`` unless the roles and the workstation may make ``move``.

    A move bound to kinds of workstation is never made from nowhere (``workstation_required``);
    a manager's office workstation counts as every kind for a manager.
    """
    if not roles & move.roles:
        raise DomainError(
            "role_forbidden",
            _("Your role may not move a device from “%(source)s” to “%(target)s”. Ask %(who)s.")
            % {
                "source": State(move.source).label,
                "target": State(move.target).label,
                "who": _("a coach or a manager") if move.roles & {COACH} else _("a manager"),
            },
            status=403,
        )
    if not move.stations:
        return
    if workstation is None:
        raise DomainError(
            "workstation_required",
            _(
                "This move is made from a workstation (%(kinds)s): choose the bench you are "
                "at, or use a workstation token."
            )
            % {"kinds": ", ".join(str(WK(kind).label) for kind in sorted(move.stations))},
            status=403,
        )
    if workstation.kind == WK.OFFICE and MANAGER in roles:
        return  # a manager at the site's office may make any move the role allows
    if workstation.kind not in move.stations:
        raise DomainError(
            "workstation_forbidden",
            _("This move is not made at a %(kind)s workstation. Use one of: %(kinds)s.")
            % {
                "kind": WK(workstation.kind).label,
                "kinds": ", ".join(str(WK(kind).label) for kind in sorted(move.stations)),
            },
            status=403,
        )


# Service-only moves a client may still ask for: ``refurb.services.device_move_ask`` sends them
# to their service (a write-off is a manager's decision; the service writes its proof).
ASKABLE_SERVICES = frozenset({"write_off"})


def allowed_targets(state: str, *, roles: frozenset[str], workstation=None) -> list[str]:
    """Return the targets these roles may try from ``state`` (guards are not evaluated; moves
    only a service makes are left out, but for those a client asks their service for)."""
    targets = []
    for target, move in moves_from(state).items():
        if move.service and move.service not in ASKABLE_SERVICES:
            continue
        try:
            check_permission(move, roles=roles, workstation=workstation)
        except DomainError:
            continue
        targets.append(target)
    return targets


# Which workstation kind the walkers (demo data, tests, benchmark) use for a move, when it may
# be made at several: the bench a real workshop would make it at.
STATION_PREFERENCE = (WK.ERASURE, WK.SHOP, WK.STOCK, WK.TEST, WK.GRADING, WK.INTAKE)
# Which role the walkers make a move as: the least privileged one allowed.
ROLE_PREFERENCE = (BENCH_WORKER, SHOP, COACH, MANAGER)


def path_to(target: str, *, start: str = State.RECEIVED) -> list[Move]:
    """Return the shortest legal sequence of moves from ``start`` to ``target`` (breadth first,
    in the table's order; moves out of ``written_off`` are never taken on the way)."""
    if target == start:
        return []
    paths: dict[str, list[Move]] = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for state in frontier:
            if state == State.WRITTEN_OFF:
                continue
            for next_state, move in moves_from(state).items():
                if next_state in paths:
                    continue
                paths[next_state] = paths[state] + [move]
                if next_state == target:
                    return paths[next_state]
                following.append(next_state)
        frontier = following
    raise ValueError(f"no legal path from {start} to {target}")


def walker_station(move: Move) -> str | None:
    """The workstation kind the walkers make ``move`` at (None: made from anywhere)."""
    return next((kind for kind in STATION_PREFERENCE if kind in move.stations), None)


def walker_role(move: Move) -> str:
    """The role the walkers make ``move`` as: the least privileged one the table allows."""
    return next(role for role in ROLE_PREFERENCE if role in move.roles)
