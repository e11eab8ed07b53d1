"""Name what the benchmark measures: scenarios, each a setup and a one-request callable.

``SCENARIOS`` (:mod:`.catalogue`) lists them; they are grouped by what they exercise (the
services in-process, the admin, the REST API, labels, reports), with the raw SQL yardsticks
in :mod:`.raw_sql` and the sample data set and clients in :mod:`.env`. This package
re-exports what the ``bench`` command and the measuring code use.
"""

from bench.scenarios.base import BenchEnv, Scenario
from bench.scenarios.catalogue import SCENARIOS
from bench.scenarios.env import make_env
from bench.scenarios.raw_sql import raw_yardsticks

__all__ = ["SCENARIOS", "BenchEnv", "Scenario", "make_env", "raw_yardsticks"]
