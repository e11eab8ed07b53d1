"""Measure the manager reports: each ``reports.figures`` function on the whole data set.

Reports run over every site with their default period, as a manager opening the reports page
would ask for them.
"""

from __future__ import annotations

import reports.figures as reports
from bench.scenarios.base import BenchEnv, module_exists

REPORTS = [
    "stock_by_state", "stock_by_category", "stock_by_grade", "stock_by_location",
    "time_in_state", "stuck_devices", "throughput_by_bench", "worker_activity", "outcomes",
    "weee_weights", "co2_avoided", "sales_by_buyer",
]  # fmt: skip


def report_scenario(name: str):
    """Call one manager report function on the whole data set (all sites, default period)."""

    def setup(env: BenchEnv):
        if not module_exists("reports.figures"):
            return None

        function = getattr(reports, name, None)
        if function is None:
            return None

        def run(i):
            result = function()
            if isinstance(result, list):
                len(result)

        return run

    return setup
