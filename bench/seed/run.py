"""Run the seeding steps in order, timing each: the seeder's entry point.

The seeder is a list of ``STEPS``; each step takes the shared ``SeedContext`` and writes one
part of the data set (places, people, legal identities and buyers; donors and collections;
devices with their whole history, prices, kits, sales and credit notes; counters; statistics;
rollups, then their own statistics). Add a step by writing one function and listing it in
``STEPS``.
"""

from __future__ import annotations

import time

from bench.seed.context import MARKER, SeedContext, Step
from bench.seed.devices import step_devices
from bench.seed.donors import step_donors_and_collections
from bench.seed.finish import step_analyze, step_analyze_rollups, step_counters, step_rollups
from bench.seed.places import step_places
from refurb.models import Device
from workshop.models import Site

STEPS: list[Step] = [
    Step("places", step_places),
    Step("donors_collections", step_donors_and_collections),
    Step("devices", step_devices),
    Step("counters", step_counters),
    # Statistics before the rollups: folding millions of events with a planner that believes
    # the tables empty took 129 s at 20,000 devices on PostgreSQL (3.9 s at 50,000 with them).
    Step("analyze", step_analyze),
    Step("rollups", step_rollups),
    Step("analyze_rollups", step_analyze_rollups),
]


def bench_data_present() -> bool:
    """Tell whether this database already holds a bench data set."""
    return Site.objects.filter(name__endswith=MARKER).exists()


def foreign_data_present() -> bool:
    """Tell whether this database holds devices that the bench did not seed."""
    return Device.objects.exclude(site__name__endswith=MARKER).exists()


def seed(ctx: SeedContext, steps: list[Step] | None = None) -> SeedContext:
    """Run the seeding steps in order, timing each, and return the context."""
    total = time.perf_counter()
    for step in steps or STEPS:
        started = time.perf_counter()
        ctx.log(f"[seed] {step.name}…")
        step.run(ctx)
        ctx.timings[step.name] = time.perf_counter() - started
        ctx.log(f"[seed] {step.name} done in {ctx.timings[step.name]:.1f} s")
    ctx.timings["total"] = time.perf_counter() - total
    return ctx
