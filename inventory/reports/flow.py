"""How long devices stay in each state, and which have been stuck too long.

A *stay* starts with a state-changing event (registration or transition) and ends with the
device's next state-changing event: ``LEAD(created_at) OVER (PARTITION BY device ORDER BY
seq)``. A period filter keeps the stays that *ended* in the period; stays still running are
not in the distribution (see ``stuck_devices`` for them).

Percentiles are continuous (linear interpolation between the two nearest stays, like
PostgreSQL's ``percentile_cont``). PostgreSQL computes them with ``percentile_cont``; SQLite,
which has no percentile aggregate, computes the same interpolation in SQL with
``ROW_NUMBER()``/``COUNT()`` windows over the stays, so both backends give the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Lead
from django.utils import timezone

from inventory.models import Device
from inventory.reports.common import PercentileCont, SecondsBetween, period_bounds
from refurb.models import DeviceEvent
from refurb.states import HELD_STATES, State

HOUR = 3600.0


@dataclass(frozen=True)
class StayRow:
    state: str
    label: str
    count: int
    median_hours: float | None
    p90_hours: float | None


def _stays(*, site=None, date_from=None, date_to=None):
    """Return a queryset of finished stays: ``to_state`` and ``secs`` (its length)."""
    events = DeviceEvent.objects.exclude(to_state="")
    if site is not None:
        events = events.filter(device__site=site)
    next_change = Window(Lead("created_at"), partition_by=[F("device_id")], order_by=F("seq").asc())
    stays = events.annotate(next_at=next_change).annotate(
        secs=SecondsBetween(F("created_at"), F("next_at"))
    )
    start, end = period_bounds(date_from, date_to)
    stays = stays.filter(next_at__isnull=False)
    if start is not None:
        stays = stays.filter(next_at__gte=start)
    if end is not None:
        stays = stays.filter(next_at__lt=end)
    return stays


def _percentiles_postgresql(stays) -> dict[str, tuple[int, float | None, float | None]]:
    aggregates = {}
    for state in State.values:
        only = Q(to_state=state)
        aggregates[f"{state}__n"] = Count("id", filter=only)
        aggregates[f"{state}__p50"] = PercentileCont(0.5, "secs", filter=only)
        aggregates[f"{state}__p90"] = PercentileCont(0.9, "secs", filter=only)
    result = stays.aggregate(**aggregates)
    return {
        state: (result[f"{state}__n"], result[f"{state}__p50"], result[f"{state}__p90"])
        for state in State.values
    }


def _interpolated(fraction: float) -> str:
    position = f"(1 + {fraction!r} * (cnt - 1))"
    low = f"CAST({position} AS INTEGER)"
    weight = f"({position} - {low})"
    return (
        f"SUM(CASE WHEN rn = {low} THEN secs * (1 - {weight}) "
        f"WHEN rn = {low} + 1 THEN secs * {weight} ELSE 0 END)"
    )


def _percentiles_sql(stays) -> dict[str, tuple[int, float | None, float | None]]:
    inner, params = stays.values("to_state", "secs").query.sql_with_params()
    sql = f"""
        SELECT to_state, MAX(cnt), {_interpolated(0.5)}, {_interpolated(0.9)}
        FROM (
            SELECT to_state, secs,
                   ROW_NUMBER() OVER (PARTITION BY to_state ORDER BY secs) AS rn,
                   COUNT(*) OVER (PARTITION BY to_state) AS cnt
            FROM ({inner}) stays
        ) ranked
        GROUP BY to_state
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = {row[0]: (row[1], row[2], row[3]) for row in rows}
    return {state: found.get(state, (0, None, None)) for state in State.values}


def time_in_state(*, site=None, date_from=None, date_to=None) -> list[StayRow]:
    """Return, per state, how many stays ended in the period and their median and p90 (hours)."""
    stays = _stays(site=site, date_from=date_from, date_to=date_to)
    if connection.vendor == "postgresql":
        figures = _percentiles_postgresql(stays)
    else:
        figures = _percentiles_sql(stays)
    rows = []
    for state in State.values:
        count, p50, p90 = figures[state]
        if not count:
            continue
        rows.append(
            StayRow(
                state=state,
                label=str(State(state).label),
                count=count,
                median_hours=round(p50 / HOUR, 2) if p50 is not None else None,
                p90_hours=round(p90 / HOUR, 2) if p90 is not None else None,
            )
        )
    return rows


@dataclass(frozen=True)
class StuckReport:
    days: int
    by_state: list[tuple[str, str, int]]
    devices: list


def stuck_devices(
    *, site=None, days: int = 30, now: datetime | None = None, limit: int = 50
) -> StuckReport:
    """Return held devices whose state has not changed for more than ``days`` days: the count
    per state and the ``limit`` oldest."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    devices = Device.objects.filter(state__in=HELD_STATES, state_changed_at__lt=cutoff)
    if site is not None:
        devices = devices.filter(site=site)
    counts = dict(devices.values_list("state").annotate(n=Count("id")).order_by())
    by_state = [
        (state, str(State(state).label), counts[state]) for state in State.values if state in counts
    ]
    oldest = list(
        devices.select_related("category", "location", "site").order_by("state_changed_at")[:limit]
    )
    return StuckReport(days=days, by_state=by_state, devices=oldest)
