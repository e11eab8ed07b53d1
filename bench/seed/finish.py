"""Finish a seeded data set: move the counters past it, refresh statistics, fold the rollups.

These steps run after every row is written, so that tags and invoices made afterwards do not
collide with seeded ones, the planner knows the tables' sizes before the rollups read the
whole history (and the rollup tables' sizes after), and reports read rollups as the nightly
job would leave them.
"""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connection, transaction

from bench.seed.context import SeedContext
from inventory.models import Collection, Donor, Location
from refurb.models import Device, Drive, Repair, StayRollup
from reports.models import BenchWeek, RollupState, WorkerWeek
from reports.rollups import refresh_report_rollups
from shop.models import CreditNote, DocumentCounter, Kit, Sale, SaleLine
from workshop.models import TagSequence
from workshop.tags import DEVICE, DRIVE, KIT


def step_counters(ctx: SeedContext) -> None:
    """Move tag and invoice counters and primary-key sequences past the seeded rows."""
    with transaction.atomic():
        for site in ctx.sites:
            for kind, last in (
                (DEVICE, site.next_device),
                (DRIVE, site.next_drive),
                (KIT, site.next_kit),
            ):
                TagSequence.objects.update_or_create(
                    site_id=site.id, kind=kind, defaults={"last_number": last}
                )
            for kind, numbers in (
                (DocumentCounter.Kind.INVOICE, site.invoices),
                (DocumentCounter.Kind.CREDIT_NOTE, site.credit_notes),
            ):
                for year, last in numbers.items():
                    DocumentCounter.objects.update_or_create(
                        site_id=site.id, kind=kind, year=year, defaults={"last_number": last}
                    )
        sql = connection.ops.sequence_reset_sql(
            no_style(),
            [Donor, Collection, Device, Drive, Repair, Location, Sale, SaleLine, CreditNote, Kit],
        )
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def step_rollups(ctx: SeedContext) -> None:
    """Fold the seeded history into the report rollups, as the nightly job would."""

    refresh_report_rollups(progress=lambda text: ctx.log(f"  {text}"))


def step_analyze(ctx: SeedContext) -> None:
    """Refresh the planner's statistics (and, on PostgreSQL, the visibility map)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def step_analyze_rollups(ctx: SeedContext) -> None:
    """Refresh the statistics of the tables the rollups step has just filled (and, on
    PostgreSQL, their visibility map: the reports read them with index-only scans)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for model in (StayRollup, BenchWeek, WorkerWeek, RollupState):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")
