"""Write every seeded device with its whole history, chunk by chunk, in bounded memory.

Devices are written in chunks, each in its own transaction, through a writer
(``bench.writers``: ``bulk_create`` or PostgreSQL ``COPY``). Every history is one the real
services would have written: ``demo.walks.PATHS`` gives the legal path to each final state,
events are numbered 1..k with consistent ``from``/``to`` states and increasing timestamps,
drives are erased (or destroyed) before a device leaves ``received``, tested devices passed
every mandatory check of their category, and ``event_seq`` equals the number of events.
Each device's events carry the hash chain (``refurb.events.event_hash``) with its head on
``Device.event_head``, so ``manage.py verify_event_chains`` passes. Sold devices are on a
one-line invoice numbered without gaps per site and year (``DocumentCounter`` ends on the
last number), returned ones on a credit note; every device that went on sale has its price.
Invoice numbers follow the order devices are generated in, not their sale dates.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from bench.history import CHUNK_TABLES, Chunk, DeviceMaker, check_columns
from bench.seed.context import SeedContext, rss_mb


def step_devices(ctx: SeedContext) -> None:
    """Write every device with its drives, erasures, tests, repairs and events, in chunks."""
    check_columns()
    maker = DeviceMaker(ctx)
    writer = ctx.writer
    done = 0
    started = time.perf_counter()
    rows_before = ctx.total_rows
    site_index = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A bulk load of rows built consistent by construction: skip per-row FK triggers
            # (tests check the data on a small N) and do not wait for each commit's flush.
            cursor.execute("SET synchronous_commit = off")
            if ctx.fast_pg:
                cursor.execute("SET session_replication_role = replica")
    try:
        _write_devices(ctx, maker, writer, done, started, rows_before, site_index)
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
                cursor.execute("RESET synchronous_commit")


def _write_devices(ctx, maker, writer, done, started, rows_before, site_index) -> None:
    while done < ctx.devices:
        size = min(ctx.chunk, ctx.devices - done)
        chunk = Chunk()
        made = 0
        while made < size:
            maker.kits_allowed = size - made >= 2
            made += maker.make(chunk, ctx.sites[site_index])
            site_index = (site_index + 1) % len(ctx.sites)
        with transaction.atomic():
            for name, model, cols in CHUNK_TABLES:
                writer.write(model, cols, getattr(chunk, name))
        for name, _model, _cols in CHUNK_TABLES:
            ctx.count(name, len(getattr(chunk, name)))
        done += size
        elapsed = time.perf_counter() - started
        rate = (ctx.total_rows - rows_before) / elapsed if elapsed else 0.0
        eta = elapsed / done * (ctx.devices - done)
        ctx.log(
            f"  devices {done:>9,}/{ctx.devices:,}  rows {ctx.total_rows - rows_before:>11,}  "
            f"{rate:>9,.0f} rows/s  {done / elapsed:>7,.0f} devices/s  "
            f"peak RSS {rss_mb():6.0f} MB  ETA {eta:5.0f} s"
        )
