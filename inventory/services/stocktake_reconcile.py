"""Compare a stocktake's scans with what the system believes, in one set-based pass.

Reconciliation is SQL over the whole scope, so a site of tens of thousands of devices is
compared with its scans without a Python loop over the site: one statement drops the lines
whose finding no longer holds, another inserts the new differences. Closing a stocktake
(:mod:`inventory.services.stocktake_close`) reconciles a last time and records the devices
found where expected too.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.documents.stocktake import stocktake_summary
from inventory.models import Stocktake, StocktakeLine, StocktakeScan
from refurb.models import Device
from refurb.states import HELD_STATES
from workshop.exceptions import DomainError


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


def insert_lines(stocktake: Stocktake, *, now: datetime, found: bool) -> None:
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
        insert_lines(locked, now=now, found=False)
        locked.reconciled_at = now
        locked.save(update_fields=["reconciled_at"])
    stocktake.reconciled_at = now
    return stocktake_summary(stocktake)


def stocktake_found_count(stocktake: Stocktake) -> int:
    """Count the devices scanned where the system expects them (held, same location)."""
    held = sorted(str(state) for state in HELD_STATES)
    return StocktakeScan.objects.filter(
        stocktake=stocktake,
        device__state__in=held,
        device__location_id=models.F("location_id"),
    ).count()
