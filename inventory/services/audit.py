"""Writes of the manager's stocktakes: open, scan, reconcile, resolve, close.

Reconciliation is one set-based pass in SQL, so a site of tens of thousands of devices is
compared with its scans without a Python loop over the site. Closing a stocktake changes devices
only through ``device_move`` and ``device_transition``, which write the events.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Location, Stocktake, StocktakeLine, StocktakeScan
from refurb.models import Device
from refurb.selectors import device_state_before_write_off
from refurb.services import device_transition
from refurb.states import HELD_STATES, State
from workshop.exceptions import DomainError, validate
from workshop.models import Site

# --------------------------------------------------------------------------- stocktakes


def stocktake_open(
    *,
    site: Site,
    actor,
    locations: Iterable[Location] = (),
    note: str = "",
    now: datetime | None = None,
) -> Stocktake:
    """Open a stocktake of ``site`` (or only of ``locations``, all of that site)."""
    locations = list(locations)
    strangers = [location.tag for location in locations if location.site_id != site.pk]
    if strangers:
        raise DomainError(
            "wrong_site",
            _("These locations belong to another site: %(tags)s.") % {"tags": ", ".join(strangers)},
            fields={"locations": strangers},
        )
    with transaction.atomic():
        stocktake = Stocktake(
            site=site,
            note=(note or "").strip(),
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
            opened_at=now or timezone.now(),
        )
        validate(stocktake)
        stocktake.save()
        if locations:
            stocktake.locations.set(locations)
    return stocktake


def _lock_open_shared(stocktake: Stocktake) -> Stocktake:
    """Read the stocktake under a shared lock: scanners run side by side, closing waits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status FROM {Stocktake._meta.db_table} WHERE id = %s FOR SHARE",
                [stocktake.pk],
            )
            row = cursor.fetchone()
        status = row[0] if row else None
    else:
        status = Stocktake.objects.filter(pk=stocktake.pk).values_list("status", flat=True).first()
    if status != Stocktake.Status.OPEN:
        raise DomainError(
            "stocktake_closed",
            _("This stocktake is closed: scans are no longer taken."),
            status=409,
        )
    return stocktake


def _scan_device(code: str) -> tuple[str, Device | None]:
    """Return the code to count (the asset tag when known) and the device it designates."""
    from inventory.scan import scan_resolve

    try:
        result = scan_resolve(code)
    except DomainError as error:
        if error.code == "scan_unknown":
            return code.strip(), None
        raise
    if result.kind != "device":
        raise DomainError(
            "not_a_device",
            _("“%(code)s” is a %(kind)s label, not a device: scan the device's asset tag.")
            % {"code": result.code, "kind": result.kind},
            fields={"code": [_("Not a device.")]},
        )
    return result.obj.asset_tag, result.obj


def stocktake_record_scan(
    *,
    stocktake: Stocktake,
    code: str,
    location: Location,
    actor,
    now: datetime | None = None,
) -> tuple[StocktakeScan, bool]:
    """Record that the label ``code`` was found at ``location``; return ``(scan, created)``.

    Idempotent per code: a device scanned twice (by tag or by serial, by one scanner or two at
    once) counts once, where it was first found. An unknown code is kept, to be shown as an
    unknown label; a mistyped tag is refused so the worker scans again.
    """
    if location.site_id != stocktake.site_id:
        raise DomainError(
            "wrong_site",
            _("Location %(tag)s is not at the site being counted.") % {"tag": location.tag},
            fields={"location": [_("Another site's location.")]},
        )
    counted, device = _scan_device(code)
    now = now or timezone.now()
    with transaction.atomic():
        _lock_open_shared(stocktake)
        scope = list(stocktake.locations.values_list("pk", flat=True))
        if scope and location.pk not in scope:
            raise DomainError(
                "location_out_of_scope",
                _("Location %(tag)s is not part of this stocktake.") % {"tag": location.tag},
                fields={"location": [_("Not counted in this stocktake.")]},
            )
        try:
            with transaction.atomic():
                scan = StocktakeScan.objects.create(
                    stocktake=stocktake,
                    code=counted[:80],
                    device=device,
                    location=location,
                    scanned_by=actor if getattr(actor, "is_authenticated", False) else None,
                    scanned_at=now,
                )
            created = True
        except IntegrityError:
            scan = StocktakeScan.objects.get(stocktake=stocktake, code=counted[:80])
            created = False
    return scan, created


def _scope_sql(stocktake: Stocktake, alias: str) -> tuple[str, list]:
    """SQL saying device ``alias`` is held at the counted site, in the counted locations."""
    scope = Stocktake.locations.through._meta.db_table
    held = sorted(str(state) for state in HELD_STATES)
    whole_site = not stocktake.locations.exists()
    sql = f"{alias}.site_id = %s AND {alias}.state IN ({', '.join(['%s'] * len(held))})" + (
        ""
        if whole_site
        else f" AND {alias}.location_id IN "
        f"(SELECT location_id FROM {scope} WHERE stocktake_id = %s)"
    )
    return sql, [stocktake.site_id, *held] + ([] if whole_site else [stocktake.pk])


def _kind_sql() -> tuple[str, list]:
    """SQL of the finding of scan ``s`` joined to its device ``d``."""
    held = sorted(str(state) for state in HELD_STATES)
    return (
        f"""CASE WHEN s.device_id IS NULL THEN 'unknown'
                 WHEN d.state NOT IN ({", ".join(["%s"] * len(held))}) THEN 'unexpected'
                 WHEN d.location_id = s.location_id THEN 'found'
                 ELSE 'elsewhere' END""",
        held,
    )


def _computed_lines_sql(stocktake: Stocktake) -> tuple[str, list]:
    """Return the SQL (and params) of what the stocktake finds, one row per code."""
    scan = StocktakeScan._meta.db_table
    device = Device._meta.db_table
    kind, kind_params = _kind_sql()
    scope, scope_params = _scope_sql(stocktake, "d")
    sql = f"""
        SELECT s.code AS code, s.device_id AS device_id, {kind} AS kind,
               COALESCE(d.state, '') AS device_state,
               d.location_id AS expected_location_id,
               s.location_id AS scanned_location_id
        FROM {scan} s LEFT JOIN {device} d ON d.id = s.device_id
        WHERE s.stocktake_id = %s
        UNION ALL
        SELECT d.asset_tag, d.id, 'missing', d.state, d.location_id, NULL
        FROM {device} d
        WHERE {scope}
          AND NOT EXISTS (
              SELECT 1 FROM {scan} s2 WHERE s2.stocktake_id = %s AND s2.device_id = d.id)
    """
    params = [*kind_params, stocktake.pk, *scope_params, stocktake.pk]
    return sql, params


def _stale_lines_sql(stocktake: Stocktake) -> tuple[str, list]:
    """Return the DELETE of the lines whose finding no longer holds.

    Written as index probes per line (scan by code, device by id), not as a join with the
    computed set, so its plan stays good even before the new lines have statistics.
    """
    scan = StocktakeScan._meta.db_table
    device = Device._meta.db_table
    line = StocktakeLine._meta.db_table
    kind, kind_params = _kind_sql()
    scope, scope_params = _scope_sql(stocktake, "d")
    sql = f"""
        DELETE FROM {line}
        WHERE stocktake_id = %s AND NOT (
            EXISTS (
                SELECT 1 FROM {scan} s LEFT JOIN {device} d ON d.id = s.device_id
                WHERE s.stocktake_id = %s AND s.code = {line}.code
                  AND s.location_id = {line}.scanned_location_id
                  AND {kind} = {line}.kind)
            OR ({line}.kind = 'missing'
                AND EXISTS (SELECT 1 FROM {device} d WHERE d.id = {line}.device_id AND {scope})
                AND NOT EXISTS (
                    SELECT 1 FROM {scan} s2
                    WHERE s2.stocktake_id = %s AND s2.device_id = {line}.device_id))
        )
    """
    params = [stocktake.pk, stocktake.pk, *kind_params, *scope_params, stocktake.pk]
    return sql, params


def _insert_lines(stocktake: Stocktake, *, now: datetime, found: bool) -> None:
    """Insert the computed lines that have no line yet: the differences, or the ``found`` ones.

    ``ON CONFLICT DO NOTHING`` on the (stocktake, code) unique index keeps lines that exist,
    with their resolution, and keeps the plan independent of the table's statistics.
    """
    line = StocktakeLine._meta.db_table
    computed, params = _computed_lines_sql(stocktake)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {line} (stocktake_id, code, kind, device_id, device_state,
                expected_location_id, scanned_location_id, resolution, reason, resolved_at)
            SELECT %s, c.code, c.kind, c.device_id, c.device_state,
                   c.expected_location_id, c.scanned_location_id,
                   CASE WHEN c.kind = 'found' THEN 'ok' ELSE '' END, '',
                   CASE WHEN c.kind = 'found' THEN %s ELSE NULL END
            FROM ({computed}) c
            WHERE {"c.kind = 'found'" if found else "c.kind <> 'found'"}
            ON CONFLICT (stocktake_id, code) DO NOTHING
            """,
            [stocktake.pk, connection.ops.adapt_datetimefield_value(now), *params],
        )


def stocktake_reconcile(*, stocktake: Stocktake, now: datetime | None = None) -> dict[str, int]:
    """Compare scans with what the system believes, in one set-based pass; count each finding.

    Writes a line for each difference (elsewhere, missing, unexpected, unknown); devices found
    where expected are only counted until the stocktake closes, which records them too. Lines
    whose finding has not changed keep their resolution; a line whose finding changed (a
    missing device scanned since, say) is dropped and, if still a difference, written again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
        if not locked.is_open:
            raise DomainError("stocktake_closed", _("This stocktake is closed."), status=409)
        with connection.cursor() as cursor:
            cursor.execute(*_stale_lines_sql(locked))
        _insert_lines(locked, now=now, found=False)
        locked.reconciled_at = now
        locked.save(update_fields=["reconciled_at"])
    stocktake.reconciled_at = now
    from inventory.documents.stocktake import stocktake_summary

    return stocktake_summary(stocktake)


def stocktake_found_count(stocktake: Stocktake) -> int:
    """Count the devices scanned where the system expects them (held, same location)."""
    held = sorted(str(state) for state in HELD_STATES)
    return StocktakeScan.objects.filter(
        stocktake=stocktake,
        device__state__in=held,
        device__location_id=models.F("location_id"),
    ).count()


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
        allowed = ALLOWED_RESOLUTIONS[locked.kind]
        if locked.kind == StocktakeLine.Kind.UNEXPECTED and locked.device_state != (
            State.WRITTEN_OFF
        ):
            allowed = {StocktakeLine.Resolution.IGNORE}
        if resolution not in allowed:
            raise DomainError(
                "resolution_not_allowed",
                _("“%(resolution)s” does not apply to a line “%(kind)s”. Choose: %(allowed)s.")
                % {
                    "resolution": resolution,
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


def _apply_line(line: StocktakeLine, *, actor, now: datetime) -> None:
    from inventory.services.core import device_move

    device = line.device
    R = StocktakeLine.Resolution
    if line.resolution == R.MOVE:
        device_move(device=device, location=line.scanned_location, actor=actor, now=now)
    elif line.resolution == R.WRITE_OFF:
        device_transition(
            device=device,
            to=State.WRITTEN_OFF,
            actor=actor,
            reason=line.reason,
            payload={"stocktake": line.stocktake_id},
            now=now,
        )
    elif line.resolution == R.FOUND_AGAIN:
        device_transition(
            device=device,
            to=device_state_before_write_off(device),
            actor=actor,
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
        _insert_lines(locked, now=now, found=True)
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
