"""What the device screens of every bench share: the card's device, its moves and history."""

from __future__ import annotations

from types import SimpleNamespace

from django.http import Http404
from django.utils.translation import gettext as _

from refurb.models import ChecklistItem, Device, Grade
from refurb.nextstep import device_next_step
from refurb.selectors import device_data_safety, device_installation, device_timeline
from refurb.states import State
from refurb.transitions import MoveContext, allowed_targets, moves_from
from workshop.access import role_allows, site_allowed
from workshop.exceptions import DomainError
from workshop.roles import user_roles
from workshop.views.common import bench_device_url


def device_get(tag: str) -> Device:
    """Return the device with ``tag`` and what its card shows, or raise 404."""
    device = (
        Device.objects.select_related("category", "site", "location", "grade", "collection__donor")
        .prefetch_related("drives")
        .filter(asset_tag=tag)
        .first()
    )
    if device is None:
        raise Http404(tag)
    return device


def site_check_device(request, device) -> None:
    """Refuse, with a clear message, a device of another site than this bench's or person's."""
    if not site_allowed(
        device.site_id, actor=request.user, workstation=getattr(request, "workstation", None)
    ):
        raise DomainError(
            "other_site",
            _(
                "%(tag)s belongs to the site %(site)s, not to this bench's site: it is handled "
                "at that site."
            )
            % {"tag": device.asset_tag, "site": device.site.code},
            status=403,
        )


def device_moves(request, device) -> list[dict]:
    """Return the next states this user may try from this workstation, with what each needs.

    The table's guards only read, so they run here too: a move they would refuse comes back
    with ``blocked`` set to the reason, and screens show why instead of offering the button.
    """
    targets = allowed_targets(
        device.state, roles=user_roles(request.user), workstation=request.workstation
    )
    table = moves_from(device.state)
    moves = []
    for target in targets:
        move = table[target]
        blocked = ""
        # With effects (the grade asked for, the price), only the guards that read the device
        # alone run before the move is asked.
        checked = [
            guard
            for guard in move.guards
            if not move.effects or getattr(guard, "before_effects", False)
        ]
        ctx = MoveContext(actor=request.user, workstation=request.workstation, target=target)
        try:
            for guard in checked:
                guard(device, ctx)
        except DomainError as error:
            blocked = error.message
        moves.append(
            {
                "target": target,
                "label": State(target).label,
                "needs_reason": move.needs_reason,
                "needs_grade": target == State.GRADED,
                "blocked": blocked,
            }
        )
    return moves


def device_context(request, device, *, timeline: bool = True) -> dict:
    """Return what the shared device card needs: drives, data safety, moves and timeline.

    Another site's device is not opened: the bench says whose it is (a ``DomainError``).
    """
    site_check_device(request, device)
    moves = device_moves(request, device)
    open_targets = [move["target"] for move in moves if not move["blocked"]]
    next_step = device_next_step(
        device,
        open_targets=open_targets,
        roles=user_roles(request.user),
        current=request.workstation,
    )
    next_step["continue_at"] = [
        {"pk": pk, "name": name, "url": bench_device_url(SimpleNamespace(kind=kind), device)}
        for pk, name, kind in next_step.get("continue_at", [])
    ]
    if next_step["here"]:  # the usual next move first: the one the sentence names
        moves.sort(key=lambda move: move["target"] != next_step["target"])
    for move in moves:
        move["main"] = move["target"] == next_step["target"]
    context = {
        "next_step": next_step,
        "device": device,
        "drives": list(device.drives.all()),
        "safety": device_data_safety(device),
        "moves": moves,
        "grades": list(Grade.objects.all()) if any(m["needs_grade"] for m in moves) else [],
        "open_moves": [move for move in moves if not move["blocked"]],
        "blocked_moves": [move for move in moves if move["blocked"]],
        "device_url": bench_device_url(request.workstation, device),
        "installation": device_installation(device),
        "may_read_keys": role_allows(user_roles(request.user), "licence", "read_key"),
    }
    if timeline:
        context["timeline"] = list(device_timeline(device))
        context["check_labels"] = dict(
            ChecklistItem.objects.filter(category_id=device.category_id).values_list(
                "code", "label"
            )
        )
    return context
