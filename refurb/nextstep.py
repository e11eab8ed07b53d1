"""What comes next for a device, in one sentence: which step, at which workstation, by whom.

Read from the transition table (``refurb.transitions``): each state has one usual next state
(the main path of the workshop), the table says which roles may make that move and at which
kinds of workstation, and the site's workstations give the names people know. The device card
shows the sentence and, when the person reading it may make the move here, offers it first.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refurb.selectors import device_installation
from refurb.states import State
from refurb.transitions import moves_from
from workshop.models import Workstation
from workshop.models import WorkstationKind as WK
from workshop.roles import BENCH_WORKER, COACH, MANAGER, SHOP

# The usual next state of each state (the other moves are exceptions: repair, recycling…).
MAIN_PATH = {
    State.RECEIVED: State.WIPED,
    State.WIPED: State.TESTED,
    State.IN_REPAIR: State.TESTED,
    State.RETURNED: State.TESTED,
    State.TESTED: State.GRADED,
    State.GRADED: State.ON_SALE,
    State.ON_SALE: State.SOLD,
    State.RESERVED: State.SOLD,
}

STEP_NAMES = {
    State.WIPED: gettext_lazy("erase its data (or record that it has no storage)"),
    State.TESTED: gettext_lazy("test it against its checklist"),
    State.GRADED: gettext_lazy("give it a grade"),
    State.ON_SALE: gettext_lazy("put it on sale"),
    State.SOLD: gettext_lazy("sell it at the counter"),
}

# Who is named: the first role of this list that the move allows.
WHO = (
    (BENCH_WORKER, gettext_lazy("a bench worker")),
    (SHOP, gettext_lazy("the shop staff")),
    (COACH, gettext_lazy("a technical coach")),
    (MANAGER, gettext_lazy("a manager")),
)

DONE = {
    State.SOLD: gettext_lazy("Sold: nothing more to do, unless the buyer brings it back."),
    State.RECYCLED: gettext_lazy("Recycled: nothing more to do."),
    State.HARVESTED: gettext_lazy("Harvested for parts: nothing more to do."),
    State.WRITTEN_OFF: gettext_lazy(
        "Written off: a manager finds it again from the stock workstation if it turns up."
    ),
}

# Where each step is normally done (the table may allow others).
MAIN_BENCH = {
    State.WIPED: WK.ERASURE,
    State.TESTED: WK.TEST,
    State.GRADED: WK.GRADING,
    State.ON_SALE: WK.SHOP,
    State.SOLD: WK.SHOP,
}

KIND_ORDER = [WK.INTAKE, WK.ERASURE, WK.TEST, WK.GRADING, WK.SHOP, WK.STOCK]


def sign_off_pending(device) -> bool:
    """True when a "no storage" declaration waits for a coach's sign-off (``guards``)."""
    return (
        device.no_storage_confirmed
        and not device.no_storage_signed_off
        and device.category.holds_data
    )


def device_next_step(device, *, open_targets=(), roles=frozenset(), current=None) -> dict:
    """``{"text", "target", "here", "continue_at"}``: the device's next step in one sentence.

    ``open_targets`` are the moves the reader may make from here (``device_moves``): when the
    usual next move is one of them, ``here`` is true and the card offers it first. When the
    reader holds a role of that move but stands at another workstation (``current``),
    ``continue_at`` lists the workstations where they can carry on (``[(pk, name)]``).
    """
    state = State(device.state)
    target = MAIN_PATH.get(state)
    if target is None:
        return {"text": str(DONE.get(state, "")), "target": None, "here": False}
    if state == State.RECEIVED and sign_off_pending(device):
        may = bool(set(roles) & {COACH, MANAGER})
        return {
            "text": str(
                _(
                    "Next step: waiting for a technical coach's sign-off of “no storage” "
                    "(coach view, “To sign off”)."
                )
            ),
            "target": "sign_off",
            "here": False,
            "sign_off": may,
        }
    if state == State.GRADED and device.category.needs_system:
        installation = device_installation(device)
        if installation is None or not installation.first_boot_passed:
            here = current is not None and current.kind in (WK.TEST, WK.GRADING)
            return {
                "text": str(
                    _(
                        "Next step: record the system installed and its first boot (test or "
                        "grading bench), then put it on sale."
                    )
                ),
                "target": "system",
                "here": here,
                "continue_at": [],
            }
    move = moves_from(state).get(target)
    if move is None:
        return {"text": "", "target": None, "here": False}
    found = sorted(
        Workstation.objects.filter(site_id=device.site_id, kind__in=move.stations, is_active=True),
        key=lambda ws: (KIND_ORDER.index(ws.kind) if ws.kind in KIND_ORDER else 99, ws.name),
    )
    who = next((str(label) for role, label in WHO if role in move.roles), "")
    main = MAIN_BENCH.get(target)
    stations = [ws.name for ws in found if ws.kind == main] or [ws.name for ws in found]
    if stations:
        where = _(" or ").join(stations)
        text = format_lazy(
            _("Next step: {step}, at the workstation {where}, by {who}."),
            step=STEP_NAMES[target],
            where=where,
            who=who,
        )
    else:
        text = format_lazy(_("Next step: {step}, by {who}."), step=STEP_NAMES[target], who=who)
    here = target in set(open_targets)
    at_main = current is not None and (
        current.kind == main if main else current.kind in move.stations
    )
    continue_at = []
    if not here and not at_main and set(roles) & move.roles:
        continue_at = [
            (ws.pk, ws.name, ws.kind)
            for ws in found
            if (ws.kind == main or main is None) and (current is None or ws.pk != current.pk)
        ][:3]
    return {
        "text": str(text),
        "target": str(target),
        "here": here,
        "continue_at": continue_at,
    }
