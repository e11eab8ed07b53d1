"""Does a rollup refresh depend on the planner's statistics? Measure it without them.

A freshly bulk-loaded PostgreSQL database has no statistics until ``ANALYZE`` runs: its tables
say ``reltuples = -1`` and ``pg_statistic`` has no row for them. Issue 19 found the seeder's
rollups taking minutes in that state. This step (``manage.py bench --no-seed
--rollups-no-stats``) times a full rollup refresh with fresh statistics, then puts the
application's tables back in the freshly-loaded state (their statistics deleted; a bench
database only, as the superuser), times the same refresh again under a statement timeout of
ten times the first one, and restores the statistics with ``ANALYZE``. The answer goes into the
run's JSON: both times, their ratio and whether the second one finished in time.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.db import connection

from reports.rollups import refresh_report_rollups

PROJECT_APPS = ("workshop", "refurb", "inventory", "shop", "labels", "reports")


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy
    )


def forget_statistics(tables: list[str]) -> None:
    """Put ``tables`` back as freshly bulk-loaded: no ``pg_statistic`` rows, ``reltuples = -1``
    (PostgreSQL, as the superuser; the tests roll it back with their transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM pg_statistic WHERE starelid IN "
            "(SELECT oid FROM pg_class WHERE relname = ANY(%s))",
            [tables],
        )
        cursor.execute(
            "UPDATE pg_class SET reltuples = -1 WHERE relname = ANY(%s) AND relkind = 'r'",
            [tables],
        )


def _timed_refresh(timeout_s: float | None) -> tuple[float, bool]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SET statement_timeout = {int(timeout_s * 1000)}"
            if timeout_s
            else "RESET statement_timeout"
        )
    started = time.perf_counter()
    finished = True
    try:
        refresh_report_rollups(full=True)
    except Exception as error:  # the statement timeout, as a database error
        if "statement timeout" not in str(error) and "canceling statement" not in str(error):
            raise
        finished = False
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    return time.perf_counter() - started, finished


def rollups_without_statistics(log=print) -> dict | None:
    """Time a full rollup refresh with statistics, then without (bounded at 10×)."""
    if connection.vendor != "postgresql":
        log("  rollups without statistics: PostgreSQL only (SQLite plans without them)")
        return None
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    with_stats, _ok = _timed_refresh(None)
    log(f"  rollups, full refresh with statistics: {with_stats:.1f} s")
    forget_statistics(tables)
    bound = max(10 * with_stats, 5.0)
    without, finished = _timed_refresh(bound)
    log(
        f"  rollups, full refresh without statistics: {without:.1f} s "
        f"({'finished' if finished else f'stopped at the {bound:.0f} s bound'})"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return {
        "with_statistics_s": round(with_stats, 2),
        "without_statistics_s": round(without, 2),
        "ratio": round(without / with_stats, 2) if with_stats else None,
        "bound_s": round(bound, 1),
        "finished": finished,
        "tables": len(tables),
    }
