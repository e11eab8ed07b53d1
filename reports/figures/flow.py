"""How long devices stay in each state, and which have been stuck too long.

A *stay* starts with a state-changing event (registration or transition) and ends with the
device's next state-changing event: ``LEAD(created_at) OVER (PARTITION BY device ORDER BY
seq)``. A period filter keeps the stays that *ended* in the period; stays still running are
not in the distribution (see ``stuck_devices`` for them).

Once ``refresh_report_rollups`` has filled ``StayRollup`` (and ``device_transition`` keeps it
since), stays are read from there; before that, from the event log.

Percentiles are continuous (linear interpolation between the two nearest stays, like
PostgreSQL's ``percentile_cont``). PostgreSQL computes them with ``percentile_cont``; SQLite,
which has no percentile aggregate, computes the same interpolation in SQL with
``ROW_NUMBER()``/``COUNT()`` windows over the stays, so both backends give the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, F, Window
from django.db.models.functions import Lead, Round
from django.utils import timezone

from refurb.models import Device, DeviceEvent, StayRollup
from refurb.states import HELD_STATES, State
from reports.figures.common import SecondsBetween, period_bounds
from reports.rollups import rollup_split

HOUR = 3600.0


@dataclass(frozen=True)
class StayRow:
    state: str
    label: str
    count: int
    median_hours: float | None
    p90_hours: float | None


def stays_from_events(*, site=None, ended_from=None, ended_before=None):
    """Return the finished stays read from the event log, as a queryset of ``device_id``,
    ``to_state`` (the state stayed in), ``next_at`` (when it ended) and ``secs``
    (its length), keeping those that ended in ``[ended_from, ended_before)``."""
    events = DeviceEvent.objects.exclude(to_state="")
    if site is not None:
        events = events.filter(device__site=site)
    if ended_from is not None:
        # Only the devices that changed state since: the window then reads their events alone.
        changed = DeviceEvent.objects.exclude(to_state="").filter(created_at__gte=ended_from)
        if ended_before is not None:
            changed = changed.filter(created_at__lt=ended_before)
        events = events.filter(device_id__in=changed.values("device_id"))
    next_change = Window(Lead("created_at"), partition_by=[F("device_id")], order_by=F("seq").asc())
    stays = events.annotate(next_at=next_change).annotate(
        secs=Round(SecondsBetween(F("created_at"), F("next_at")), 3)
    )
    stays = stays.filter(next_at__isnull=False)
    if ended_from is not None:
        stays = stays.filter(next_at__gte=ended_from)
    if ended_before is not None:
        stays = stays.filter(next_at__lt=ended_before)
    return stays


def _log_stays_sql(*, site, start, end) -> tuple[str, list]:
    """SQL of the finished stays of the period as ``(st, secs)`` rows, from the event log."""
    live = stays_from_events(site=site, ended_from=start, ended_before=end)
    inner, params = live.values("to_state", "secs").query.sql_with_params()
    return f"SELECT l.to_state AS st, l.secs AS secs FROM ({inner}) l", list(params)


def _rolled_stays(*, site, start, end):
    stays = StayRollup.objects.all()
    if site is not None:
        stays = stays.filter(site=site)
    if start is not None:
        stays = stays.filter(ended_at__gte=start)
    if end is not None:
        stays = stays.filter(ended_at__lt=end)
    return stays


def _rank(count: int, fraction: float) -> tuple[int, float]:
    """The 1-based rank below a continuous percentile and the weight of the next value."""
    position = 1 + fraction * (count - 1)
    low = int(position)
    return low, position - low


FRACTIONS = (0.5, 0.9)


def _percentiles_by_rank(stays, counts: dict[str, int]) -> dict[str, tuple]:
    """Read, in one query, the two stays around each percentile's rank from the index on
    ``(state, seconds)``: ``ORDER BY seconds OFFSET rank LIMIT 2`` walks the index (from the top
    for ranks past the middle) instead of sorting every stay."""
    parts, params = [], []
    for state, count in counts.items():
        if state not in State.values:  # written into the SQL below: only the closed list
            raise ValueError(f"unknown state in the stays table: {state!r}")
        for which, fraction in enumerate(FRACTIONS):
            low, _weight = _rank(count, fraction)
            of_state = stays.filter(state=state)
            if low == count:
                picked = of_state.order_by("-seconds")[:1]
            elif low > count // 2:
                offset = count - low - 1
                picked = of_state.order_by("-seconds")[offset : offset + 2]
            else:
                picked = of_state.order_by("seconds")[low - 1 : low + 1]
            inner, inner_params = picked.values("seconds").query.sql_with_params()
            parts.append(f"SELECT '{state}' AS st, {which} AS which, q.seconds FROM ({inner}) q")
            params.extend(inner_params)
    values: dict[tuple[str, int], list[float]] = {}
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for state, which, seconds in cursor.fetchall():
                values.setdefault((state, which), []).append(seconds)
    found = {}
    for state, count in counts.items():
        figures = []
        for which, fraction in enumerate(FRACTIONS):
            low_value, *high = sorted(values[(state, which)])
            _low, weight = _rank(count, fraction)
            figures.append(low_value + weight * (high[0] - low_value) if high else low_value)
        found[state] = (count, *figures)
    return found


def _percentiles_postgresql(stays_sql: str, params) -> dict[str, tuple]:
    sql = f"""
        SELECT st, COUNT(*),
               PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY secs),
               PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY secs)
        FROM ({stays_sql}) stays
        GROUP BY st
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}


def _interpolated(fraction: float) -> str:
    position = f"(1 + {fraction!r} * (cnt - 1))"
    low = f"CAST({position} AS INTEGER)"
    weight = f"({position} - {low})"
    return (
        f"SUM(CASE WHEN rn = {low} THEN secs * (1 - {weight}) "
        f"WHEN rn = {low} + 1 THEN secs * {weight} ELSE 0 END)"
    )


def _percentiles_sql(stays_sql: str, params) -> dict[str, tuple]:
    sql = f"""
        SELECT st, MAX(cnt), {_interpolated(0.5)}, {_interpolated(0.9)}
        FROM (
            SELECT st, secs,
                   ROW_NUMBER() OVER (PARTITION BY st ORDER BY secs) AS rn,
                   COUNT(*) OVER (PARTITION BY st) AS cnt
            FROM ({stays_sql}) stays
        ) ranked
        GROUP BY st
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}


# Up to this many stays, sorting them is cheaper than walking the index once per percentile.
SORT_LIMIT = 100_000


def _percentiles(stays_sql: str, params) -> dict[str, tuple]:
    if connection.vendor == "postgresql":
        return _percentiles_postgresql(stays_sql, params)
    return _percentiles_sql(stays_sql, params)


def time_in_state(*, site=None, date_from=None, date_to=None) -> list[StayRow]:
    """Return, per state, how many stays ended in the period and their median and p90 (hours).

    A fixed number of queries whatever the history: the rollup watermark, then — once the
    stays table is filled — the count of stays per state and their percentiles (sorted when
    they are few, read by rank from the index otherwise); before that, one aggregate over the
    event log."""
    start, end = period_bounds(date_from, date_to)
    if rollup_split() is None:
        found = _percentiles(*_log_stays_sql(site=site, start=start, end=end))
    else:
        stays = _rolled_stays(site=site, start=start, end=end)
        counts = dict(stays.values_list("state").annotate(n=Count("id")).order_by())
        if sum(counts.values()) <= SORT_LIMIT:
            inner, params = stays.values("state", "seconds").query.sql_with_params()
            found = _percentiles(
                f"SELECT r.state AS st, r.seconds AS secs FROM ({inner}) r", params
            )
        else:
            found = _percentiles_by_rank(stays, counts)
    rows = []
    for state in State.values:
        count, p50, p90 = found.get(state, (0, None, None))
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
