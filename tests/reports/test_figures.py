"""Report figures against hand-computed values on a small known workshop, and their cost.

The known workshop (every device registered at T0, a Monday 09:00 UTC, then walked one step
every ``step`` hours by ``device_advance``):

| device | category (WEEE) | weight            | walked to | step |
|--------|-----------------|-------------------|-----------|------|
| d1     | laptop (2)      | 2.000             | sold      | 6 h  |
| d2     | laptop (2)      | 3.000             | sold      | 12 h |
| d3     | desktop (6)     | 8.000             | harvested | 6 h  |
| d4     | screen (2)      | none → 4.500 typ. | recycled  | 24 h |
| d5     | laptop (2)      | 2.500             | on_sale   | 6 h  |
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from refurb.states import State
from reports import figures as reports
from reports.rollups import refresh_report_rollups
from tests.inventory.audit_helpers import fast_passwords, make_crew, walked_device  # noqa: F401

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.fixture
def crew(bench_worker, coach, shop_staff, manager, station):
    return make_crew(
        bench=bench_worker, coach=coach, shop=shop_staff, manager=manager, station=station
    )


@pytest.fixture(params=["event log", "rollups"])
def workshop(request, site, crew):
    plan = [
        ("laptop", "2.000", State.SOLD, 6),
        ("laptop", "3.000", State.SOLD, 12),
        ("desktop", "8.000", State.HARVESTED, 6),
        ("screen", None, State.RECYCLED, 24),
        ("laptop", "2.500", State.ON_SALE, 6),
    ]
    devices = [
        walked_device(
            site=site,
            crew=crew,
            state=state,
            now=T0,
            step=hours * H,
            category_code=code,
            weight_kg=weight,
        )
        for code, weight, state, hours in plan
    ]
    if request.param == "rollups":
        # The nightly job ran weeks later: every figure comes from the rollups.
        result = refresh_report_rollups(now=T0 + 21 * 24 * H)
        assert result.stays > 0 and result.bench_weeks > 0 and result.worker_weeks > 0
    return devices


@pytest.mark.django_db
def test_outcomes_count_and_weigh_reused_harvested_and_recycled(workshop):
    result = reports.outcomes()
    assert result.counts == {"reused": 2, "harvested": 1, "recycled": 1}
    assert result.weights_kg == {
        "reused": Decimal("5.000"),
        "harvested": Decimal("8.000"),
        "recycled": Decimal("4.500"),
    }


@pytest.mark.django_db
def test_the_reuse_rate_is_computed_by_count_and_by_weight(workshop):
    result = reports.outcomes()
    assert result.reuse_rate_count == Decimal("50.0")  # 2 / 4
    assert result.reuse_rate_weight == Decimal("28.6")  # 5 / 17.5


@pytest.mark.django_db
def test_weee_weights_split_the_outcomes_by_declaration_category(workshop):
    rows = {row.weee_category: row.outcomes for row in reports.weee_weights()}
    assert set(rows) == {"2", "6"}
    assert rows["2"].counts == {"reused": 2, "harvested": 0, "recycled": 1}
    assert rows["2"].weights_kg == {
        "reused": Decimal("5.000"),
        "harvested": Decimal("0"),
        "recycled": Decimal("4.500"),
    }
    assert rows["6"].weights_kg["harvested"] == Decimal("8.000")


@pytest.mark.django_db
def test_time_in_state_gives_the_median_and_90th_percentile_of_finished_stays(workshop):
    rows = {
        row.state: (row.count, row.median_hours, row.p90_hours) for row in reports.time_in_state()
    }
    assert rows == {
        # stays of 6, 12, 6, 24, 6 h: median 6; p90 at rank 4.6 → 12 + 0.6 × 12 = 19.2
        State.RECEIVED: (5, 6.0, 19.2),
        State.WIPED: (5, 6.0, 19.2),
        # 6, 12, 6 → median 6; rank 2.8 → 6 + 0.8 × 6 = 10.8
        State.TESTED: (3, 6.0, 10.8),
        State.GRADED: (3, 6.0, 10.8),
        # 6, 24 → median 15; rank 1.9 → 6 + 0.9 × 18 = 22.2
        State.IN_REPAIR: (2, 15.0, 22.2),
        # 6, 12 (d5 is still on sale) → median 9; rank 1.9 → 11.4
        State.ON_SALE: (2, 9.0, 11.4),
    }


@pytest.mark.django_db
def test_time_in_state_keeps_the_stays_that_ended_in_the_period(workshop):
    # On 2 March (UTC+1 in Paris) stays ended at 15:00, 21:00 (UTC): the 6 h ones of d1, d3, d5
    # (received, wiped) and d2's first 12 h stay (received).
    day = date(2026, 3, 2)
    rows = {row.state: row.count for row in reports.time_in_state(date_from=day, date_to=day)}
    assert rows == {State.RECEIVED: 4, State.WIPED: 3}


@pytest.mark.django_db
def test_stock_by_state_counts_every_device_with_its_weight(workshop):
    rows = {row.key: (row.count, row.weight_kg) for row in reports.stock_by_state()}
    assert rows == {
        State.SOLD: (2, Decimal("5.000")),
        State.HARVESTED: (1, Decimal("8.000")),
        State.RECYCLED: (1, Decimal("4.500")),
        State.ON_SALE: (1, Decimal("2.500")),
    }


@pytest.mark.django_db
def test_stock_by_category_and_grade_count_only_devices_still_held(workshop):
    assert [(row.key, row.count) for row in reports.stock_by_category()] == [("laptop", 1)]
    assert [(row.key, row.count) for row in reports.stock_by_grade()] == [("B", 1)]


@pytest.mark.django_db
def test_stuck_devices_are_held_devices_unchanged_for_longer_than_the_limit(workshop):
    with translation.override("en"):
        stuck = reports.stuck_devices(days=3, now=T0 + 30 * H + 4 * 24 * H)
    assert stuck.by_state == [(State.ON_SALE, "On sale", 1)]
    assert [device.pk for device in stuck.devices] == [workshop[4].pk]
    assert reports.stuck_devices(days=5, now=T0 + 30 * H + 4 * 24 * H).devices == []


@pytest.mark.django_db
def test_throughput_counts_state_changes_per_bench_and_week(workshop):
    rows = {
        row.kind: (row.week, row.transitions, row.devices) for row in reports.throughput_by_bench()
    }
    monday = date(2026, 3, 2)
    assert rows == {
        "erasure": (monday, 5, 5),
        "test": (monday, 6, 5),  # tested ×3, in repair ×2, harvested ×1
        "grading": (monday, 3, 3),
        "shop": (monday, 5, 3),  # on sale ×3, sold ×2
        "stock": (monday, 1, 1),  # recycled
    }


@pytest.mark.django_db
def test_worker_activity_counts_each_workers_state_changes(workshop, bench_worker, coach):
    rows = {row.username: row for row in reports.worker_activity()}
    assert rows[bench_worker.username].transitions == 13
    assert rows[bench_worker.username].devices == 5
    assert rows[coach.username].transitions == 2
    assert rows["shop"].transitions == 5


@pytest.mark.django_db
def test_co2e_avoided_multiplies_reused_devices_by_their_category_factor(workshop):
    report = reports.co2_avoided()
    assert [(row.category, row.reused, row.kg_co2e) for row in report.rows] == [
        ("Ordinateur portable", 2, Decimal("338.00"))
    ]
    assert "ADEME" in report.rows[0].source


@pytest.mark.django_db
def test_reports_of_a_period_before_any_activity_are_empty(workshop):
    before = date(2026, 1, 1)
    assert reports.outcomes(date_from=before, date_to=before).total_count == 0
    assert reports.time_in_state(date_from=before, date_to=before) == []
    assert reports.throughput_by_bench(date_from=before, date_to=before) == []


@pytest.mark.django_db
def test_reports_of_another_site_are_empty(workshop):
    from tests.factories import SiteFactory

    other = SiteFactory(code="SE")
    assert reports.outcomes(site=other).total_count == 0
    assert reports.stock_by_state(site=other) == []


@pytest.mark.django_db
def test_sales_are_counted_and_summed_by_buyer_kind_and_price_tier(site, crew):
    from demo.walks import device_advance, device_sell
    from tests import factories
    from tests.shop.support import buyer, make_grid

    make_grid()  # laptop grade B: 70 € solidarity, 120 € standard
    association = buyer("association", actor=crew.shop, site=site)
    public = buyer("public", actor=crew.shop, site=site)
    for who in (association, association, public):
        device = factories.make_device(site=site, actor=crew.bench)
        device_advance(device, State.ON_SALE, crew, grade="B")
        device_sell(device, crew, now=device.state_changed_at, buyer=who)
    rows = reports.sales_by_buyer(site=site)
    assert [
        (row["buyer__kind"], row["price_tier"], row["sales"], row["amount"]) for row in rows
    ] == [
        ("association", "solidarity", 2, Decimal("140.00")),
        ("public", "standard", 1, Decimal("120.00")),
    ]


# ---------------------------------------------------------------- cost: constant in devices

STATES = [State.SOLD, State.HARVESTED, State.RECYCLED, State.ON_SALE, State.TESTED]

REPORTS = {
    "stock_by_state": (lambda: reports.stock_by_state(), 1),
    "stock_by_category": (lambda: reports.stock_by_category(), 1),
    "stock_by_grade": (lambda: reports.stock_by_grade(), 1),
    "stock_by_location": (lambda: reports.stock_by_location(), 1),
    "time_in_state": (lambda: reports.time_in_state(), 2),
    "stuck_devices": (lambda: reports.stuck_devices(days=1, now=T0 + 100 * 24 * H), 2),
    "throughput_by_bench": (lambda: reports.throughput_by_bench(), 2),
    "outcomes": (lambda: reports.outcomes(), 1),
    "weee_weights": (lambda: reports.weee_weights(), 1),
    "co2_avoided": (lambda: reports.co2_avoided(), 1),
    "worker_activity": (lambda: reports.worker_activity(), 2),
}

READS_ROLLUPS = {"time_in_state", "throughput_by_bench", "worker_activity"}


@pytest.mark.django_db
def test_each_report_runs_the_same_number_of_queries_for_5_and_for_50_devices(
    site, crew, django_assert_num_queries
):
    def grow(to: int, already: int):
        for number in range(already, to):
            walked_device(
                site=site,
                crew=crew,
                state=STATES[number % len(STATES)],
                now=T0 + number * H,
                weight_kg="2.000",
            )

    grow(5, 0)
    for name, (report, queries) in REPORTS.items():
        with django_assert_num_queries(queries):
            assert report() or name == "stuck_devices", name
    grow(50, 5)
    for _name, (report, queries) in REPORTS.items():
        with django_assert_num_queries(queries):
            report()
    # Once the rollups are filled, these reports read them too: one query more.
    refresh_report_rollups(now=T0 + 100 * 24 * H)
    for name, (report, queries) in REPORTS.items():
        with django_assert_num_queries(queries + (name in READS_ROLLUPS)):
            assert report() or name == "stuck_devices", name
