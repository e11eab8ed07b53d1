"""Manager reports: every figure is an aggregate computed by the database.

Each report takes keyword filters (``site``, ``date_from``, ``date_to`` where it has a period)
and returns plain rows (dataclasses) that the screen, the CSV export and the charts share, so
the three always show the same numbers. No report loops over devices in Python: each runs a
fixed number of queries whatever the number of devices (pinned by tests).
"""

from reports.figures.activity import throughput_by_bench, worker_activity  # noqa: F401
from reports.figures.common import Period, period_bounds  # noqa: F401
from reports.figures.flow import stuck_devices, time_in_state  # noqa: F401
from reports.figures.outcomes import co2_avoided, outcomes, sales_by_buyer, weee_weights  # noqa: F401
from reports.figures.stock import (  # noqa: F401
    stock_by_category,
    stock_by_grade,
    stock_by_location,
    stock_by_state,
)
