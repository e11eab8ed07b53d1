"""Hold what the seeding steps share: the plan, the sites made so far, the writer, the clock.

A ``SeedContext`` is created once per run and handed to every step; each site a step creates
is described by a ``SiteInfo`` (its ids, counters and numbering) that later steps read and
advance. ``MARKER`` names the sites the bench made, so a bench database is recognised.
"""

from __future__ import annotations

import random
import resource
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from bench.writers import writer_for
from shop.models import VatRegime

MARKER = "(bench)"
DEVICES_PER_SITE = 50_000
MAX_SITES = 60


def rss_mb() -> float:
    """Return this process's peak resident set size in MB (``ru_maxrss``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@dataclass
class SiteInfo:
    id: int
    code: str
    stations: dict[str, int] = field(default_factory=dict)
    crew: dict[str, int] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)
    collections: list[tuple[int, str, datetime]] = field(default_factory=list)
    next_device: int = 0
    next_drive: int = 0
    next_kit: int = 0
    buyers: list[tuple[int, dict]] = field(default_factory=list)
    seller: dict = field(default_factory=dict)
    vat_regime: str = VatRegime.MARGIN
    invoices: dict[int, int] = field(default_factory=dict)
    credit_notes: dict[int, int] = field(default_factory=dict)


@dataclass
class SeedContext:
    """Everything the steps share: the plan, the ids made so far, the writer, the clock."""

    devices: int
    # How many of them end on sale (``bench --on-sale``); None: the network's mix (about 12 %).
    on_sale: int | None = None
    seed: int = 42
    chunk: int = 5_000
    writer_name: str = "auto"
    now: datetime = field(default_factory=timezone.now)
    log: Callable[[str], None] = print
    rng: random.Random = field(init=False)
    writer: object = field(init=False)
    sites: list[SiteInfo] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    admin_id: int | None = None
    fast_pg: bool = True

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.writer = writer_for(self.writer_name)

    @property
    def site_count(self) -> int:
        return max(2, min(MAX_SITES, -(-self.devices // DEVICES_PER_SITE)))

    def count(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[SeedContext], None]
