"""Seed a network-scale data set, then measure latency, queries and load (docs/performance.md)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import seed as seeding
from bench.load import BENCH_THROTTLE_RATE, MIX, load_run
from bench.measure import measure_all
from bench.nostats import rollups_without_statistics
from bench.report import database, git_commit, machine, save, table
from bench.scenarios import make_env
from refurb.models import Device
from refurb.states import State


class Command(BaseCommand):
    help = (
        "Benchmark: seed N devices with full histories (unless already seeded), measure every "
        "scenario in-process (p50/p95/p99, queries per request), optionally run a gunicorn "
        "load test, print a table and write JSON under var/bench/."
    )

    def add_arguments(self, parser):
        env = os.environ
        parser.add_argument("--devices", type=int, default=int(env.get("BENCH_DEVICES", 100_000)))
        parser.add_argument("--samples", type=int, default=int(env.get("BENCH_SAMPLES", 200)))
        parser.add_argument("--warmup", type=int, default=int(env.get("BENCH_WARMUP", 20)))
        parser.add_argument(
            "--batch-samples",
            type=int,
            default=None,
            help="cap the samples of batch scenarios (1,000 labels, stocktake, reports)",
        )
        on_sale = env.get("BENCH_ON_SALE", "")
        parser.add_argument(
            "--on-sale",
            type=int,
            default=int(on_sale) if on_sale.strip() else None,
            help="seed exactly this many devices on sale (default: the network's mix, ~12 %%)",
        )
        parser.add_argument("--chunk", type=int, default=5_000, help="devices per transaction")
        parser.add_argument("--writer", default="auto", choices=["auto", "orm", "copy"])
        parser.add_argument(
            "--safe-load",
            action="store_true",
            help="PostgreSQL: keep FK triggers on while seeding (slower; for comparison)",
        )
        parser.add_argument("--seed-only", action="store_true", help="seed, do not measure")
        parser.add_argument("--no-seed", action="store_true", help="measure the data in place")
        parser.add_argument("--only", default="", help="comma-separated scenario names")
        parser.add_argument("--load", action="store_true", help="also run the gunicorn load test")
        parser.add_argument("--load-only", action="store_true", help="only the load test")
        parser.add_argument("--load-seconds", type=float, default=30)
        parser.add_argument("--load-clients", type=int, default=8)
        parser.add_argument("--load-workers", type=int, default=4)
        parser.add_argument("--load-max-requests", type=int, default=50_000)
        parser.add_argument("--out", default=str(settings.VAR_DIR / "bench"))
        parser.add_argument(
            "--rollups-no-stats",
            action="store_true",
            help="PostgreSQL: time a full rollup refresh with and without planner statistics",
        )

    def log(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, **o):
        # Measure as in production: no query log, no template debug, English messages.
        settings.DEBUG = False
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        # One client sends thousands of requests a minute with one token: the rates stay on
        # (their cost is measured) but far above what the bench sends (workshop/api/throttles.py).
        settings.ATELIER_THROTTLE_RATES = {
            scope: BENCH_THROTTLE_RATE for scope in settings.ATELIER_THROTTLE_RATES
        }
        name = str(connection.settings_dict["NAME"])
        if connection.vendor == "sqlite" and name.endswith("atelier.sqlite3"):
            raise CommandError(
                "Refusing to benchmark the demo database: set BENCH_DATABASE_URL or "
                "DATABASE_URL (make bench uses var/bench.sqlite3)."
            )
        if o["on_sale"] is not None and not 0 <= o["on_sale"] <= o["devices"]:
            raise CommandError(f"--on-sale must be between 0 and --devices ({o['devices']:,}).")
        report = {
            "devices": o["devices"],
            "commit": git_commit(),
            "machine": machine(),
            "database": database(),
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        if o["on_sale"] is not None:
            report["seed_on_sale"] = o["on_sale"]
        self.log(
            f"Atelier bench · {report['database']['vendor']} {report['database']['version']} · "
            f"{report['machine']['cpu_count']} × {report['machine']['cpu_model']} · "
            f"commit {report['commit']}"
        )
        if not o["no_seed"] and not o["load_only"]:
            report["seed"] = self.seed(o)
        if o["seed_only"]:
            return self.finish(report, o)
        present = Device.objects.count()
        report["devices_present"] = present
        report["devices_on_sale"] = Device.objects.filter(state=State.ON_SALE).count()
        if not present:
            raise CommandError("No device to measure: seed first (drop --no-seed).")
        env = make_env(samples=o["samples"])
        if not o["load_only"]:
            self.log(f"[measure] {o['samples']} samples, {o['warmup']} warm-up calls each")
            only = {n for n in o["only"].split(",") if n} or None
            results, raw = measure_all(
                env,
                samples=o["samples"],
                warmup=o["warmup"],
                only=only,
                log=self.log,
                batch_samples=o["batch_samples"],
            )
            report["scenarios"], report["raw_sql"] = results, raw
            catalogue = env.notes.get("catalogue")
            if catalogue:
                report["catalogue"] = {k: v for k, v in catalogue.items() if k != "offer_ids"}
        if o["rollups_no_stats"]:
            self.log("[rollups without statistics]")
            report["rollups_without_statistics"] = rollups_without_statistics(log=self.log)
        if o["load"] or o["load_only"]:
            self.log(
                f"[load] {o['load_seconds']:g} s, {o['load_clients']} clients, {json.dumps(MIX)}"
            )
            report["load"] = load_run(
                env,
                seconds=o["load_seconds"],
                clients=o["load_clients"],
                workers=o["load_workers"],
                max_requests=o["load_max_requests"],
                log=self.log,
            )
        return self.finish(report, o)

    def seed(self, o) -> dict:
        if seeding.foreign_data_present():
            raise CommandError(
                "This database holds devices the bench did not seed: use an empty database "
                "(e.g. createdb bench) — the bench never writes into real data."
            )
        if seeding.bench_data_present():
            count = Device.objects.count()
            if count != o["devices"]:
                raise CommandError(
                    f"This database already holds a bench data set of {count:,} devices, not "
                    f"{o['devices']:,}: drop and recreate it (make bench-reset) or pass --no-seed."
                )
            on_sale = Device.objects.filter(state=State.ON_SALE).count()
            if o["on_sale"] is not None and on_sale != o["on_sale"]:
                raise CommandError(
                    f"This bench data set has {on_sale:,} devices on sale, not "
                    f"{o['on_sale']:,}: use another database (BENCH_DATABASE_URL) or reset it."
                )
            self.log(f"[seed] {count:,} bench devices already present: measuring them.")
            return {"reused": True}
        ctx = seeding.SeedContext(
            devices=o["devices"],
            on_sale=o["on_sale"],
            chunk=o["chunk"],
            writer_name=o["writer"],
            log=self.log,
        )
        ctx.fast_pg = not o["safe_load"]
        seeding.seed(ctx)
        rows = ctx.total_rows
        devices_time = ctx.timings.get("devices", 0) or 1
        summary = {
            "writer": ctx.writer.name,
            "fk_triggers_during_load": not ctx.fast_pg
            if connection.vendor == "postgresql"
            else True,
            "rows": ctx.rows,
            "total_rows": rows,
            "seconds": {k: round(v, 2) for k, v in ctx.timings.items()},
            "rows_per_s": round(rows / ctx.timings["total"]),
            "devices_per_s": round(ctx.devices / devices_time),
            "events_per_device": round(ctx.rows.get("events", 0) / max(1, ctx.devices), 2),
            "peak_rss_mb": round(seeding.rss_mb(), 1),
        }
        self.log(
            f"[seed] {rows:,} rows in {summary['seconds']['total']:.1f} s = "
            f"{summary['rows_per_s']:,} rows/s ({summary['devices_per_s']:,} devices/s), "
            f"{summary['events_per_device']} events/device, peak RSS {summary['peak_rss_mb']} MB"
        )
        return summary

    def finish(self, report: dict, o) -> None:
        report["peak_rss_mb"] = round(seeding.rss_mb(), 1)
        report["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
        if report.get("scenarios"):
            self.log("")
            self.log(table(report["scenarios"]))
            raw = report.get("raw_sql", {})
            self.log(
                "raw SQL yardsticks (p50): "
                + ", ".join(f"{k} {v['p50_ms']:.3f} ms" for k, v in raw.items())
            )
        if report.get("load"):
            load = report["load"]
            self.log(
                f"load: {load['throughput_rps']} req/s, p95 {load['p95_ms']} ms, "
                f"errors {load['errors']} ({load['requests']} requests, {load['clients']} "
                f"clients, {load['workers']} workers, {load['seconds']} s)"
            )
            for kind, row in load["by_kind"].items():
                self.log(
                    f"  {kind:<11} {row['share']:>6} req  p50 {row['p50_ms']:7.1f}  "
                    f"p95 {row['p95_ms']:7.1f} ms  {row['endpoint']}"
                )
            if load["missing_kinds"]:
                self.log(f"  not in the mix yet: {', '.join(load['missing_kinds'])}")
        path = save(report, Path(o["out"]))
        self.log(f"JSON: {path}")
