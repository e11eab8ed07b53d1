"""Resolve a stocktake's findings and close it, applying every resolution.

A manager decides what each difference means (move the device, write it off, take it back,
ignore it); nothing changes before the stocktake closes. Closing changes devices only through
``device_move`` and ``device_transition``, which write the events, and refuses, changing
nothing, while a line is unresolved.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Stocktake, StocktakeLine
from inventory.services.core import device_move
from inventory.services.stocktake_reconcile import insert_lines, stocktake_reconcile
from refurb.selectors import device_state_before_write_off
from refurb.services import device_transition, device_write_off
from refurb.states import State
from workshop.exceptions import DomainError, validate
from workshop.services import office_workstation

ALLOWED_RESOLUTIONS = {
    StocktakeLine.Kind.FOUND: {StocktakeLine.Resolution.NONE_NEEDED},
    StocktakeLine.Kind.ELSEWHERE: {StocktakeLine.Resolution.MOVE, StocktakeLine.Resolution.IGNORE},
    StocktakeLine.Kind.MISSING: {
        StocktakeLine.Resolution.WRITE_OFF,
        StocktakeLine.Resolution.IGNORE,
    },
    StocktakeLine.Kind.UNEXPECTED: {
        StocktakeLine.Resolution.FOUND_AGAIN,
        StocktakeLine.Resolution.IGNORE,
    },
    StocktakeLine.Kind.UNKNOWN: {StocktakeLine.Resolution.IGNORE},
}


def stocktake_resolve_line(
    *,
    line: StocktakeLine,
    resolution: str,
    actor,
    reason: str = "",
    now: datetime | None = None,
) -> StocktakeLine:
    """Decide what to do about one finding; nothing is applied before the stocktake closes."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            StocktakeLine.objects.select_for_update().select_related("stocktake").get(pk=line.pk)
        )
        if not locked.stocktake.is_open:
            raise DomainError("stocktake_closed", _("This stocktake is closed."), status=409)
        allowed = resolutions_for(locked.kind, locked.device_state)
        if resolution not in allowed:
            raise DomainError(
                "resolution_not_allowed",
                _("“%(resolution)s” does not apply to a line “%(kind)s”. Choose: %(allowed)s.")
                % {
                    "resolution": (
                        StocktakeLine.Resolution(resolution).label
                        if resolution in StocktakeLine.Resolution.values
                        else resolution
                    ),
                    "kind": locked.get_kind_display(),
                    "allowed": ", ".join(
                        str(StocktakeLine.Resolution(value).label) for value in sorted(allowed)
                    ),
                },
                fields={"resolution": [_("Not allowed for this line.")]},
            )
        needs_reason = resolution in (
            StocktakeLine.Resolution.WRITE_OFF,
            StocktakeLine.Resolution.FOUND_AGAIN,
        )
        if needs_reason and not reason:
            raise DomainError(
                "reason_required",
                _("Say why in a few words: this resolution needs a reason."),
                fields={"reason": [_("This field is required.")]},
            )
        locked.resolution = resolution
        locked.reason = reason
        locked.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.resolved_at = now or timezone.now()
        validate(locked)
        locked.save()
    return locked


def resolutions_for(kind: str, device_state: str = "") -> set[str]:
    """The resolutions a line of ``kind`` (its device in ``device_state``) may take."""
    if kind == StocktakeLine.Kind.UNEXPECTED and device_state != State.WRITTEN_OFF:
        return {StocktakeLine.Resolution.IGNORE}
    return set(ALLOWED_RESOLUTIONS[kind])


def stocktake_resolve_lines(
    *,
    stocktake: Stocktake,
    resolution: str,
    actor,
    line_ids: list[int] | None = None,
    kind: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> list[StocktakeLine]:
    """Decide about many findings at once: the lines ``line_ids``, or every line of ``kind``
    still to resolve. Each line goes through ``stocktake_resolve_line`` (the same rules, one
    resolution per line); all or nothing: one line refused refuses them all, naming it."""
    if (line_ids is None) == (kind is None):
        raise DomainError("invalid", _("Choose the lines to resolve."))
    lines = StocktakeLine.objects.filter(stocktake=stocktake).exclude(kind=StocktakeLine.Kind.FOUND)
    if kind is not None:
        lines = lines.filter(kind=kind, resolution=StocktakeLine.Resolution.PENDING)
    else:
        lines = lines.filter(pk__in=line_ids)
    lines = list(lines.order_by("kind", "code"))
    if not lines:
        raise DomainError(
            "no_line_chosen",
            _("No line chosen: tick the lines to resolve, then apply."),
            fields={"lines": [_("Tick at least one line.")]},
        )
    resolved = []
    with transaction.atomic():
        for line in lines:
            try:
                resolved.append(
                    stocktake_resolve_line(
                        line=line, resolution=resolution, actor=actor, reason=reason, now=now
                    )
                )
            except DomainError as error:
                raise DomainError(
                    error.code,
                    _("%(code)s: %(message)s") % {"code": line.code, "message": error.message},
                    fields=error.fields,
                    status=error.status,
                ) from error
    return resolved


def _apply_line(line: StocktakeLine, *, actor, now: datetime) -> None:
    device = line.device
    # Write-offs and finds are made from the site's office (managers' moves).
    office = office_workstation(device.site)
    R = StocktakeLine.Resolution
    if line.resolution == R.MOVE:
        device_move(device=device, location=line.scanned_location, actor=actor, now=now)
    elif line.resolution == R.WRITE_OFF:
        device_write_off(
            device=device,
            actor=actor,
            workstation=office,
            reason=line.reason,
            occasion=f"stocktake {line.stocktake_id}",
            payload={"stocktake": line.stocktake_id},
            now=now,
        )
    elif line.resolution == R.FOUND_AGAIN:
        device_transition(
            device=device,
            to=device_state_before_write_off(device),
            actor=actor,
            workstation=office,
            reason=line.reason,
            payload={"stocktake": line.stocktake_id},
            now=now,
        )
        if line.scanned_location_id and device.location_id != line.scanned_location_id:
            device_move(device=device, location=line.scanned_location, actor=actor, now=now)


def stocktake_close(*, stocktake: Stocktake, actor, now: datetime | None = None) -> Stocktake:
    """Reconcile a last time, apply every resolution (moves, write-offs, found again) and close.

    Refuses, and changes nothing, while a line is unresolved or when a device changed since
    (its service refuses the move; the message names it).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
        if not locked.is_open:
            raise DomainError(
                "stocktake_closed", _("This stocktake is already closed."), status=409
            )
        stocktake_reconcile(stocktake=locked, now=now)
        pending = list(
            locked.lines.filter(resolution=StocktakeLine.Resolution.PENDING).values_list(
                "code", flat=True
            )[:11]
        )
        if pending:
            shown = ", ".join(pending[:10]) + ("…" if len(pending) > 10 else "")
            raise DomainError(
                "stocktake_unresolved",
                _("Resolve every line before closing. Still to resolve: %(codes)s.")
                % {"codes": shown},
                fields={"lines": pending[:10]},
                status=409,
            )
        insert_lines(locked, now=now, found=True)
        actions = (
            locked.lines.filter(
                resolution__in=[
                    StocktakeLine.Resolution.MOVE,
                    StocktakeLine.Resolution.WRITE_OFF,
                    StocktakeLine.Resolution.FOUND_AGAIN,
                ]
            )
            .select_related("device", "device__category", "scanned_location")
            .order_by("id")
        )
        applied = []
        for line in actions:
            try:
                _apply_line(line, actor=actor, now=now)
            except DomainError as error:
                raise DomainError(
                    error.code,
                    _("%(code)s: %(message)s") % {"code": line.code, "message": error.message},
                    fields=error.fields,
                    status=error.status,
                ) from error
            applied.append(line.pk)
        StocktakeLine.objects.filter(pk__in=applied).update(applied_at=now)
        locked.status = Stocktake.Status.CLOSED
        locked.closed_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_by", "closed_at"])
    return locked
