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


def test_each_available_scenario_is_timed_and_counts_its_queries(env):
    results, raw = measure_all(env, samples=3, warmup=1, log=lambda _text: None)
    measured = {row["name"]: row for row in results if "skipped" not in row}
    assert {"svc_scan_tag", "svc_transition", "admin_device_list"} <= set(measured)
    assert measured["svc_scan_tag"]["queries"] == 1
    assert measured["svc_scan_tag"]["samples"] == 3
    assert set(raw) == {"scan", "list", "list_count"}


def test_scenarios_waiting_for_another_branch_say_what_they_wait_for(env):
    results, _raw = measure_all(env, samples=1, warmup=0, log=lambda _text: None)
    skipped = {row["name"]: row["skipped"] for row in results if "skipped" in row}
    assert "stocktake_10k" in skipped
    assert skipped["stocktake_10k"].startswith("waiting for")
