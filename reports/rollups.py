"""Keep the report rollups (``inventory.models.rollups``) in step with the event log.

Two kinds of rollup:

- **Finished stays** (``StayRollup``) are written as they happen: ``device_transition`` calls
  ``stay_record`` in its transaction, one insert per state change (no counter, so no
  contention). ``refresh_report_rollups`` fills the table from the whole event log the first
  time it runs, or with ``--full`` (on PostgreSQL, transitions wait for it meanwhile).
- **Weekly counts** (``BenchWeek``, ``WorkerWeek``) hold "distinct devices in a week", which
  cannot be kept by incrementing counters, so the nightly job computes them for finished
  weeks: every event created before the *watermark* — the local Monday at midnight starting
  the current week (the previous one during the first hour of a week, so that transactions
  open at midnight have committed). Each run recomputes every week from the old watermark on —
  and, if events were written since the last run with a date before it (a backdated import, a
  late commit), every week from theirs. Running it twice changes nothing.

Reports call ``rollup_split()`` to learn the watermark (None: never refreshed). Weekly reports
read the rollups before it and the event log from it on; ``time_in_state`` reads the stays
table once it was filled, the event log before that. Either way the figures are exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Max, Min, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from refurb.models import Device, DeviceEvent, StayRollup
from reports.models import BenchWeek, RollupState, WorkerWeek

SETTLE = timedelta(hours=1)
BATCH = 5_000
ERASURE_CODES = [DeviceEvent.Code.ERASURE, DeviceEvent.Code.DESTRUCTION]


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_moment(day: date) -> datetime:
    """Local midnight starting the ISO week of ``day``, as an aware datetime."""
    return timezone.make_aware(
        datetime.combine(week_start(day), time.min), timezone.get_current_timezone()
    )


def rollup_watermark(now: datetime | None = None) -> datetime:
    """The watermark a refresh at ``now`` brings the rollups to."""
    now = now or timezone.now()
    return week_moment(timezone.localdate(now - SETTLE))


def rollup_split() -> datetime | None:
    """The current watermark (one query): rollups hold what happened before it, None if the
    rollups were never filled."""
    return (
        RollupState.objects.filter(key="events").values_list("complete_before", flat=True).first()
    )


def week_expression(field: str = "created_at"):
    return TruncWeek(field, output_field=DateField())


def bench_weeks(events, *group: str, **named):
    """Per ISO week and ``group`` columns (and ``named`` expressions): state changes made at a
    bench, distinct devices. The one definition, for the rollup and for the weeks a report
    reads live."""
    return (
        events.filter(code=DeviceEvent.Code.TRANSITION, workstation__isnull=False)
        .annotate(week=week_expression())
        .values("week", *group, **named)
        .annotate(transitions=Count("id"), devices=Count("device_id", distinct=True))
        .order_by()
    )


def worker_weeks(events, *group: str, **named):
    """Per ISO week and ``group`` columns (and ``named`` expressions): a worker's events by
    kind, distinct devices."""
    return (
        events.filter(actor__isnull=False)
        .annotate(week=week_expression())
        .values("week", *group, **named)
        .annotate(
            events=Count("id"),
            transitions=Count("id", filter=Q(code=DeviceEvent.Code.TRANSITION)),
            erasures=Count("id", filter=Q(code__in=ERASURE_CODES)),
            tests=Count("id", filter=Q(code=DeviceEvent.Code.TEST)),
            devices=Count("device_id", distinct=True),
        )
        .order_by()
    )


@dataclass
class RefreshResult:
    complete_before: datetime
    since: datetime | None
    stays: int
    bench_weeks: int
    worker_weeks: int
    seconds: float


def _bulk(model, rows, make) -> int:
    batch, count = [], 0
    for row in rows:
        batch.append(make(row))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


def _insert_stays() -> int:
    """Copy every finished stay from the event log into ``StayRollup``, in the database."""
    from reports.figures.flow import stays_from_events

    stays = stays_from_events().annotate(site_id=F("device__site_id"))
    columns = ("device_id", "site_id", "to_state", "next_at", "secs")
    inner, params = stays.values(*columns).query.sql_with_params()
    table = StayRollup._meta.db_table
    sql = (
        f"INSERT INTO {table} (device_id, site_id, state, ended_at, seconds) "
        f"SELECT s.device_id, s.site_id, s.to_state, s.next_at, s.secs FROM ({inner}) s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _tables_read() -> list[str]:
    return [DeviceEvent._meta.db_table, Device._meta.db_table]


def analyse_unanalysed_tables(tables: list[str] | None = None) -> list[str]:
    """PostgreSQL: ``ANALYZE`` those of ``tables`` (by default the ones the refresh reads) that
    have no planner statistics, and return their names.

    A freshly bulk-loaded database has none until ``ANALYZE`` (or autovacuum) runs: its tables
    say ``reltuples = -1`` (or rows but no ``pg_statistic`` entry after ``CREATE INDEX``). The
    planner then guesses a few hundred transitions, and the weekly rollups' server-side cursor
    (planned for its first rows) chose a nested loop rescanning every transition for each
    device: minutes on 50,000 devices instead of seconds (docs/performance.md, "Rollups
    without planner statistics"). Sampling a table costs well under a second, once; analysed
    tables are left alone. SQLite plans without statistics: nothing to do there.
    """
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            # pg_stats, not pg_statistic: readable without superuser rights.
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = ANY(%s) AND c.relkind = 'r' AND pg_table_is_visible(c.oid) "
            "AND (c.reltuples < 0 OR (c.reltuples > 0 AND NOT EXISTS (SELECT 1 FROM pg_stats s "
            "WHERE s.schemaname = n.nspname AND s.tablename = c.relname))) ORDER BY c.relname",
            [tables or _tables_read()],
        )
        stale = [name for (name,) in cursor.fetchall()]
        for name in stale:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    return stale


def refresh_report_rollups(
    *,
    now: datetime | None = None,
    full: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RefreshResult:
    """Bring the rollups up to the watermark of ``now`` (see the module's docstring)."""
    say = progress or (lambda text: None)
    started = timezone.now()
    target = rollup_watermark(now)
    analysed = analyse_unanalysed_tables()
    if analysed:
        say(f"no planner statistics: analysed {', '.join(analysed)}")
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(key="events")
        last_id = DeviceEvent.objects.aggregate(last=Max("id"))["last"] or 0
        rebuild_stays = full or state.complete_before is None
        since = None if rebuild_stays else state.complete_before
        if since is not None:
            late = DeviceEvent.objects.filter(
                id__gt=state.last_event_id, created_at__lt=since
            ).aggregate(first=Min("created_at"))["first"]
            if late is not None:
                say(f"events written since the last refresh go back to {late:%Y-%m-%d}")
                since = week_moment(timezone.localdate(late))
            since = min(since, target)

        stays = 0
        if rebuild_stays:
            # From the whole event log; transitions wait meanwhile, since they add stays too.
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {StayRollup._meta.db_table} IN EXCLUSIVE MODE")
            say("finished stays: from the whole event log…")
            StayRollup.objects.all().delete()
            stays = _insert_stays()
            say(f"finished stays: {stays:,}")

        say(
            f"weekly rollups: from {since:%Y-%m-%d %H:%M %Z}"
            if since
            else "weekly rollups: whole history"
        )
        say(f"weekly rollups: up to {target:%Y-%m-%d %H:%M %Z}")
        if since is None:
            BenchWeek.objects.all().delete()
            WorkerWeek.objects.all().delete()
            events = DeviceEvent.objects.filter(created_at__lt=target)
        else:
            since_week = timezone.localdate(since)
            BenchWeek.objects.filter(week__gte=since_week).delete()
            WorkerWeek.objects.filter(week__gte=since_week).delete()
            events = DeviceEvent.objects.filter(created_at__gte=since, created_at__lt=target)

        if connection.vendor == "postgresql":
            # The weekly rows are read through server-side cursors (``iterator``), which
            # PostgreSQL plans for their first 10 % by default; these are read to the end, so
            # plan them for the whole result (a fast-start nested loop is what made the bench
            # rollup take minutes with misleading statistics).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        say("weekly throughput per bench…")
        benches = _bulk(
            BenchWeek,
            bench_weeks(events, "device__site_id", "workstation_id").iterator(chunk_size=BATCH),
            lambda row: BenchWeek(
                site_id=row["device__site_id"],
                week=row["week"],
                workstation_id=row["workstation_id"],
                transitions=row["transitions"],
                devices=row["devices"],
            ),
        )
        say(f"weekly throughput per bench: {benches:,} rows")
        say("weekly activity per worker…")
        workers = _bulk(
            WorkerWeek,
            worker_weeks(events, "device__site_id", "actor_id").iterator(chunk_size=BATCH),
            lambda row: WorkerWeek(
                site_id=row["device__site_id"],
                week=row["week"],
                actor_id=row["actor_id"],
                events=row["events"],
                transitions=row["transitions"],
                erasures=row["erasures"],
                tests=row["tests"],
                devices=row["devices"],
            ),
        )
        say(f"weekly activity per worker: {workers:,} rows")
        state.complete_before = target
        state.last_event_id = last_id
        state.refreshed_at = timezone.now()
        state.save()
    return RefreshResult(
        complete_before=target,
        since=since,
        stays=stays,
        bench_weeks=benches,
        worker_weeks=workers,
        seconds=(timezone.now() - started).total_seconds(),
    )
