"""The measuring harness runs every available scenario on a tiny data set."""

import pytest

from bench.measure import measure_all
from bench.scenarios import make_env
from bench.seed import SeedContext, seed


@pytest.fixture
def env(db, settings):
    seed(SeedContext(devices=40, seed=5, log=lambda _text: None))
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    return make_env(samples=10)


@pytest.mark.slow(9)
def test_each_available_scenario_is_timed_and_counts_its_queries(env):
    results, raw = measure_all(env, samples=3, warmup=1, log=lambda _text: None)
    measured = {row["name"]: row for row in results if "skipped" not in row}
    assert {"svc_scan_tag", "svc_transition", "admin_device_list"} <= set(measured)
    assert measured["svc_scan_tag"]["queries"] == 1
    assert measured["svc_scan_tag"]["samples"] == 3
    assert set(raw) == {"scan", "list", "list_count"}


def test_the_snapshot_scenario_ingests_a_new_machine_at_every_sample(env):
    from refurb.models import Snapshot

    before = Snapshot.objects.count()
    results, _raw = measure_all(
        env, samples=3, warmup=1, only={"snapshot_ingest"}, log=lambda _text: None
    )
    assert results[0]["samples"] == 3
    new = Snapshot.objects.order_by("-id")[: Snapshot.objects.count() - before]
    assert len(new) >= 3 and all(snapshot.device_id for snapshot in new)


def test_the_stocktake_scenario_reconciles_its_scans_again_at_every_sample(env):
    from inventory.models import StocktakeLine, StocktakeScan

    results, _raw = measure_all(
        env, samples=2, warmup=1, only={"stocktake_10k"}, log=lambda _text: None
    )
    assert results[0]["samples"] == 2
    scans = StocktakeScan.objects.count()
    assert scans == env.notes["stocktake"]["scans"] > 0
    # One scan in 25 is on the wrong shelf, and the unknown labels: each is a written line.
    assert StocktakeLine.objects.filter(kind=StocktakeLine.Kind.ELSEWHERE).exists()
    assert StocktakeLine.objects.filter(kind=StocktakeLine.Kind.UNKNOWN).exists()


def test_every_manager_report_is_timed(env):
    from bench.scenarios.reports import REPORTS

    names = {f"report_{name}" for name in REPORTS}
    results, _raw = measure_all(env, samples=1, warmup=0, only=names, log=lambda _text: None)
    assert {row["name"] for row in results if "skipped" not in row} == names
