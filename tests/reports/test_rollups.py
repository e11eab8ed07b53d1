"""The report rollups give the very figures of the event log, wherever the watermark stands.

A history over three weeks and two sites (the second site's devices handled at the first
site's benches) is reported from the event log alone, then again after the nightly job ran at
several moments, incrementally or from scratch, with periods that cut weeks in the middle.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from refurb.models import StayRollup
from refurb.states import State
from reports import figures as reports
from reports.figures import flow
from reports.models import BenchWeek, RollupState, WorkerWeek
from reports.rollups import (
    analyse_unanalysed_tables,
    refresh_report_rollups,
    rollup_split,
    rollup_watermark,
)
from tests import factories
from tests.factories import SiteFactory, WorkstationFactory, site_legal
from tests.inventory.audit_helpers import fast_passwords, make_crew, walked_device  # noqa: F401
from workshop import roles

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)
D = timedelta(days=1)

PLAN = [  # (day offset, state, step in hours, second site?)
    (0, State.SOLD, 6, False),
    (1, State.RECYCLED, 20, False),
    (3, State.ON_SALE, 30, True),
    (5, State.HARVESTED, 9, False),
    (6, State.SOLD, 26, True),
    (8, State.TESTED, 7, False),
    (10, State.SOLD, 40, False),
    (12, State.GRADED, 5, True),
    (15, State.ON_SALE, 11, False),
    (17, State.SOLD, 13, True),
]

PERIODS = [
    {},
    {"date_from": date(2026, 3, 4), "date_to": date(2026, 3, 12)},
    {"date_from": date(2026, 3, 11)},
    {"date_to": date(2026, 3, 10)},
]


@pytest.fixture
def history(site, bench_worker, coach, shop_staff, manager, station, make_user):
    crew = make_crew(
        bench=bench_worker, coach=coach, shop=shop_staff, manager=manager, station=station
    )
    other = SiteFactory(code="SE")
    site_legal(other)
    # The other site's devices are handled by its own people at its own benches.
    other_crew = make_crew(
        bench=make_user(roles.BENCH_WORKER, username="se-bench", site=other),
        coach=make_user(roles.COACH, username="se-coach", site=other),
        shop=make_user(roles.SHOP, username="se-shop", site=other),
        manager=manager,
        station=lambda kind: WorkstationFactory(site=other, kind=kind, name=f"SE {kind}"),
    )
    for offset, state, hours, elsewhere in PLAN:
        walked_device(
            site=other if elsewhere else site,
            crew=other_crew if elsewhere else crew,
            state=state,
            now=T0 + offset * D + offset * H,
            step=hours * H,
        )
    return site, other, crew


def figures(site, other) -> list:
    out = []
    for where in (None, site, other):
        for period in PERIODS:
            out.append(reports.time_in_state(site=where, **period))
            out.append(reports.throughput_by_bench(site=where, **period))
            out.append(reports.worker_activity(site=where, **period))
    return out


def from_event_log(site, other) -> list:
    RollupState.objects.all().delete()
    assert rollup_split() is None
    return figures(site, other)


@pytest.mark.django_db
def test_the_watermark_is_the_local_monday_that_starts_the_week_an_hour_ago():
    # Wednesday 4 March, 10:00 in Paris → Monday 2 March, 00:00 in Paris (23:00 UTC on the 1st)
    assert rollup_watermark(datetime(2026, 3, 4, 9, 0, tzinfo=UTC)) == datetime(
        2026, 3, 1, 23, 0, tzinfo=UTC
    )
    # Monday 9 March 00:30 in Paris: the previous week may still have open transactions
    assert rollup_watermark(datetime(2026, 3, 8, 23, 30, tzinfo=UTC)) == datetime(
        2026, 3, 1, 23, 0, tzinfo=UTC
    )
    assert rollup_watermark(datetime(2026, 3, 9, 0, 30, tzinfo=UTC)) == datetime(
        2026, 3, 8, 23, 0, tzinfo=UTC
    )


@pytest.mark.django_db
@pytest.mark.parametrize("days", [2, 9, 16, 40])
@pytest.mark.parametrize("sort_limit", [flow.SORT_LIMIT, 0], ids=["sorted", "by rank"])
def test_rolled_up_weeks_give_the_figures_of_the_event_log(history, days, sort_limit, monkeypatch):
    site, other, _crew = history
    expected = from_event_log(site, other)
    assert any(expected), "the history must produce figures"
    refresh_report_rollups(now=T0 + days * D)
    assert rollup_split() is not None
    monkeypatch.setattr(flow, "SORT_LIMIT", sort_limit)
    assert figures(site, other) == expected


@pytest.mark.django_db
def test_each_transition_writes_the_stay_it_ends(
    site, bench_worker, coach, shop_staff, manager, station
):
    crew = make_crew(
        bench=bench_worker, coach=coach, shop=shop_staff, manager=manager, station=station
    )
    device = walked_device(site=site, crew=crew, state=State.WIPED, now=T0, step=H)
    stay = StayRollup.objects.get(device=device)
    assert (stay.site_id, stay.state, stay.ended_at) == (site.pk, State.RECEIVED, T0 + H)
    assert stay.seconds == 3600.0


@pytest.mark.django_db
def test_refreshing_week_after_week_gives_the_same_rollups_as_one_full_refresh(history):
    site, other, _crew = history
    expected = from_event_log(site, other)
    for days in (2, 9, 16, 23, 40):
        refresh_report_rollups(now=T0 + days * D)
        assert figures(site, other) == expected, days
    rows = (
        sorted(StayRollup.objects.values_list("device_id", "state", "ended_at", "seconds")),
        sorted(BenchWeek.objects.values_list("site_id", "week", "workstation_id", "devices")),
        sorted(WorkerWeek.objects.values_list("site_id", "week", "actor_id", "events")),
    )
    again = refresh_report_rollups(now=T0 + 40 * D)  # idempotent
    assert again.stays == again.bench_weeks == again.worker_weeks == 0
    refresh_report_rollups(now=T0 + 40 * D, full=True)
    assert rows == (
        sorted(StayRollup.objects.values_list("device_id", "state", "ended_at", "seconds")),
        sorted(BenchWeek.objects.values_list("site_id", "week", "workstation_id", "devices")),
        sorted(WorkerWeek.objects.values_list("site_id", "week", "actor_id", "events")),
    )


@pytest.mark.django_db
def test_a_backdated_event_makes_the_next_refresh_recompute_its_week(history):
    site, other, crew = history
    refresh_report_rollups(now=T0 + 40 * D)
    # An import writes history dated in a week already rolled up.
    walked_device(site=site, crew=crew, state=State.SOLD, now=T0 + 2 * D, step=3 * H)
    result = refresh_report_rollups(now=T0 + 40 * D)
    assert result.since is not None and result.since.date() <= date(2026, 3, 2)
    assert result.bench_weeks > 0  # its week again; its stays were written by the transitions
    rolled = figures(site, other)
    assert rolled == from_event_log(site, other)


@pytest.mark.django_db
def test_the_command_reports_what_it_wrote(history):
    out = StringIO()
    call_command("refresh_report_rollups", stdout=out)
    text = out.getvalue()
    assert "finished stays" in text and "Rollups complete before" in text
    assert StayRollup.objects.count() > 0
    assert rollup_split() == rollup_watermark()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are real only on PostgreSQL (SQLite serialises every writer)",
)
def test_two_refreshes_at_once_take_turns_and_write_each_row_once(
    site, bench_worker, coach, shop_staff, manager, station
):
    crew = make_crew(
        bench=bench_worker, coach=coach, shop=shop_staff, manager=manager, station=station
    )
    for offset in range(6):
        walked_device(site=site, crew=crew, state=State.SOLD, now=T0 + offset * D, step=5 * H)
    start = threading.Barrier(2)
    errors = []

    def refresh():
        try:
            start.wait(5)
            refresh_report_rollups(now=T0 + 30 * D, full=True)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    # Six devices walked to sold: 5 finished stays each (received, wiped, tested, graded,
    # on sale), each written once.
    assert StayRollup.objects.count() == 6 * 5
    assert BenchWeek.objects.filter(workstation__kind="erasure").get().devices == 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are real only on PostgreSQL (SQLite serialises every writer)",
)
def test_transitions_during_a_full_refresh_write_their_stays_once(
    site, bench_worker, coach, shop_staff, manager, station
):
    crew = make_crew(
        bench=bench_worker, coach=coach, shop=shop_staff, manager=manager, station=station
    )
    devices = [
        walked_device(site=site, crew=crew, state=State.ON_SALE, now=T0 + n * H, step=H)
        for n in range(30)
    ]
    refresh_report_rollups(now=T0 + 30 * D)
    from shop.services import buyer_create

    buyer = buyer_create(kind="public", name="Client", actor=shop_staff)
    stop = threading.Event()
    errors, moved = [], []

    def shop_clerk():
        from shop.services import reservation_create

        try:
            for device in devices:
                if stop.is_set():
                    break
                reservation_create(
                    workstation=factories.bench("shop"),
                    device=device,
                    buyer=buyer,
                    actor=shop_staff,
                )
                moved.append(device)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    def rebuild():
        try:
            for _round in range(3):
                refresh_report_rollups(full=True)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            stop.set()
            connections.close_all()

    threads = [threading.Thread(target=shop_clerk), threading.Thread(target=rebuild)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert moved, "the clerk moved no device while the rollups were rebuilt"
    from_log = flow.stays_from_events().count()
    assert StayRollup.objects.count() == from_log == 30 * 4 + len(moved)


def _forget_statistics(tables):
    """Put ``tables`` back as freshly bulk-loaded, as the benchmark does (rolled back with the
    test's transaction)."""
    from bench.nostats import forget_statistics

    forget_statistics(tables)


def _without_statistics(tables):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s) AND (c.reltuples < 0 "
            "OR NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.tablename = c.relname)) "
            "ORDER BY c.relname",
            [tables],
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_a_refresh_on_tables_never_analysed_analyses_them_first(history):
    read = ["inventory_device", "refurb_deviceevent"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_device, refurb_deviceevent")
    assert _without_statistics(read) == []
    assert analyse_unanalysed_tables() == []  # analysed tables are left alone
    _forget_statistics(read)
    assert _without_statistics(read) == read
    said = []
    with CaptureQueriesContext(connection) as queries:
        refresh_report_rollups(now=T0 + 40 * D, full=True, progress=said.append)
    assert "no planner statistics: analysed inventory_device, refurb_deviceevent" in said
    sql = [query["sql"] for query in queries.captured_queries]
    # The weekly rollups' cursors are planned for all their rows, not a fast start.
    tuned = sql.index("SET LOCAL cursor_tuple_fraction = 1.0")
    assert tuned < next(n for n, text in enumerate(sql) if "GROUP BY" in text)
    assert _without_statistics(read) == []
    assert analyse_unanalysed_tables() == []


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has nothing to analyse")
def test_sqlite_refreshes_without_analysing(history):
    said = []
    refresh_report_rollups(now=T0 + 40 * D, progress=said.append)
    assert not any("planner statistics" in line for line in said)
    assert analyse_unanalysed_tables() == []
