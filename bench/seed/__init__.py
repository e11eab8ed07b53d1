"""Seed a believable national network of workshops, fast and in bounded memory.

:func:`seed` (:mod:`.run`) runs the ``STEPS`` in order: places and people (:mod:`.places`),
donors and collections (:mod:`.donors`), devices with their whole history (:mod:`.devices`,
built by ``bench.history``), then counters, rollups and statistics (:mod:`.finish`), all
sharing one ``SeedContext`` (:mod:`.context`). This package re-exports what the ``bench``
command and the tests use.
"""

from bench.seed.context import SeedContext, Step, rss_mb
from bench.seed.run import STEPS, bench_data_present, foreign_data_present, seed

__all__ = [
    "STEPS",
    "SeedContext",
    "Step",
    "bench_data_present",
    "foreign_data_present",
    "rss_mb",
    "seed",
]
