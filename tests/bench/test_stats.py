"""Percentiles of latency samples."""

import pytest

from bench.stats import percentile, summary


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 95, 5.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 50, 3.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 100, 5.0),
        ([1.0, 2.0], 50, 1.5),
        (list(map(float, range(1, 101))), 95, 95.05),
    ],
)
def test_percentile_interpolates_between_ranks(values, q, expected):
    assert percentile(values, q) == pytest.approx(expected)


def test_summary_reports_count_and_tail():
    figures = summary([1.0, 2.0, 3.0, 100.0])
    assert figures["samples"] == 4
    assert figures["max_ms"] == 100.0
    assert figures["p50_ms"] == 2.5
