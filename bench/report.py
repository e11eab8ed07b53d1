"""Describe the run (machine, database, data set, commit) and print and save the figures."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }


def database() -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "name": str(connection.settings_dict["NAME"]),
    }


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def table(results: list[dict]) -> str:
    """Return the scenario figures as a fixed-width text table."""
    head = (
        f"{'scenario':<24} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'queries':>7} "
        f"{'x raw':>6} {'p95 goal':>8}  "
    )
    lines = [head, "-" * len(head)]
    for row in results:
        if "skipped" in row:
            lines.append(
                f"{row['name']:<24} {'—':>8} {'—':>8} {'—':>8} {'—':>7} {'—':>6} {'':>8}  "
                f"{row['skipped']}"
            )
            continue
        target = row.get("target_p95_ms")
        verdict = "" if target is None else ("ok" if row.get("meets_target") else "MISSED")
        lines.append(
            f"{row['name']:<24} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['queries']:>7} {row.get('x_raw', ''):>6} "
            f"{'' if target is None else f'≤{target:g}':>8}  {verdict}"
        )
    return "\n".join(lines)


def save(report: dict, directory: Path) -> Path:
    """Write the report as JSON under ``directory`` (one file per run, plus ``latest-…``)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    vendor = report["database"]["vendor"]
    name = f"bench-{vendor}-{report['devices']}-{stamp}.json"
    text = json.dumps(report, indent=2, default=str)
    (directory / name).write_text(text)
    (directory / f"latest-{vendor}-{report['devices']}.json").write_text(text)
    return directory / name
