"""Small statistics for latency samples: percentiles by linear interpolation."""

from __future__ import annotations

import math


def percentile(values: list[float], q: float) -> float:
    """Return the ``q``-th percentile (0–100) of ``values``, interpolating between ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples_ms: list[float]) -> dict:
    """Return count, p50, p95, p99, mean and max of latency samples in milliseconds."""
    return {
        "samples": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 3),
        "p95_ms": round(percentile(samples_ms, 95), 3),
        "p99_ms": round(percentile(samples_ms, 99), 3),
        "mean_ms": round(sum(samples_ms) / len(samples_ms), 3) if samples_ms else math.nan,
        "max_ms": round(max(samples_ms), 3) if samples_ms else math.nan,
    }
