"""Time scenarios in-process: warm up, take N samples, count the queries of one request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.scenarios import SCENARIOS, BenchEnv, Scenario, raw_yardsticks
from bench.stats import summary


def time_calls(run: Callable[[int], object], *, samples: int, warmup: int) -> list[float]:
    """Call ``run`` ``warmup`` times unmeasured, then ``samples`` times; return ms per call.

    ``run.prepare(i)``, when set, runs before each call outside the clock (resetting state).
    """
    prepare = getattr(run, "prepare", None)
    for i in range(warmup):
        if prepare:
            prepare(i)
        run(i)
    out = []
    clock = time.perf_counter
    for i in range(warmup, warmup + samples):
        if prepare:
            prepare(i)
        started = clock()
        run(i)
        out.append((clock() - started) * 1000)
    return out


def count_queries(run: Callable[[int], object], *, calls: int = 5, offset: int = 10_000) -> int:
    """Return the largest number of queries one call made, over a few calls."""
    most = 0
    prepare = getattr(run, "prepare", None)
    for i in range(offset, offset + calls):
        if prepare:
            prepare(i)
        with CaptureQueriesContext(connection) as ctx:
            run(i)
        most = max(most, len(ctx.captured_queries))
    return most


def measure_all(
    env: BenchEnv,
    *,
    samples: int,
    warmup: int,
    only: set[str] | None = None,
    log=print,
    scenarios: list[Scenario] | None = None,
    batch_samples: int | None = None,
) -> tuple[list[dict], dict[str, dict]]:
    """Measure every available scenario and the raw-SQL yardsticks; return their figures."""
    raw = {}
    for name, run in raw_yardsticks(env).items():
        raw[name] = summary(time_calls(run, samples=samples, warmup=warmup))
        log(f"  raw {name:<22} p50 {raw[name]['p50_ms']:8.3f} ms")
    results = []
    for scenario in scenarios or SCENARIOS:
        if only and scenario.name not in only:
            continue
        row = {
            "name": scenario.name,
            "group": scenario.group,
            "describe": scenario.describe,
            "target_p95_ms": scenario.target_p95_ms,
        }
        run = scenario.setup(env)
        if run is None:
            row["skipped"] = scenario.skip_reason or f"waiting for {scenario.needs}"
            results.append(row)
            log(f"  {scenario.name:<26} skipped: {row['skipped']}")
            continue
        n = min(samples, scenario.max_samples or samples)
        if scenario.max_samples and batch_samples:
            n = min(n, batch_samples)
        row.update(summary(time_calls(run, samples=n, warmup=min(warmup, max(1, n // 10)))))
        row["queries"] = count_queries(run, calls=1 if scenario.max_samples else 5)
        if scenario.raw and scenario.raw in raw:
            row["raw_p50_ms"] = raw[scenario.raw]["p50_ms"]
            row["x_raw"] = round(row["p50_ms"] / raw[scenario.raw]["p50_ms"], 1)
        if scenario.target_p95_ms is not None:
            row["meets_target"] = row["p95_ms"] <= scenario.target_p95_ms
        results.append(row)
        log(
            f"  {scenario.name:<26} p50 {row['p50_ms']:8.2f}  p95 {row['p95_ms']:8.2f}  "
            f"p99 {row['p99_ms']:8.2f} ms  {row['queries']} queries"
        )
    return results, raw
