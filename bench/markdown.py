"""Print a saved benchmark run as the Markdown tables of the README's "Performance" section.

``python -m bench.markdown var/bench/bench-postgresql-1000000-….json``
"""

from __future__ import annotations

import json
import sys


def _ms(value) -> str:
    return "" if value is None else f"{value:,.1f}"


def markdown(report: dict) -> str:
    db = report.get("database", {})
    load = report.get("machine", {}).get("load_avg")
    lines = [
        f"**{db.get('vendor')} {db.get('version')}, {report.get('devices_present', 0):,} devices** "
        f"(commit `{report.get('commit')}`, load average {load}):",
        "",
        "| scenario | p50 ms | p95 ms | p99 ms | queries | × raw SQL | p95 target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in report.get("scenarios", []):
        if "skipped" in row:
            lines.append(f"| {row['name']} ({row['describe']}) | | | | | | {row['skipped']} |")
            continue
        target = row.get("target_p95_ms")
        mark = "" if target is None else f"≤ {target:g} {'✓' if row.get('meets_target') else '✗'}"
        lines.append(
            f"| {row['name']} ({row['describe']}) | {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} "
            f"| {_ms(row['p99_ms'])} | {row['queries']} | {row.get('x_raw', '')} | {mark} |"
        )
    raw = report.get("raw_sql", {})
    if raw:
        lines += [
            "",
            "Raw SQL p50: "
            + ", ".join(f"{name} {figures['p50_ms']:.2f} ms" for name, figures in raw.items())
            + ".",
        ]
    load_run = report.get("load")
    if load_run:
        kinds = "; ".join(
            f"{kind} {k['samples']} req, p95 {k['p95_ms']:.0f} ms"
            for kind, k in load_run.get("by_kind", {}).items()
        )
        lines.append(
            f"Load ({load_run.get('workers')} gunicorn workers, {load_run.get('clients')} client "
            f"threads, {load_run.get('seconds')} s): **{load_run.get('throughput_rps')} req/s**, "
            f"p95 {load_run.get('p95_ms'):.0f} ms, {load_run.get('errors')} errors ({kinds})."
        )
    seed = report.get("seed")
    if seed and not seed.get("reused"):
        lines.append(f"Seed: {json.dumps(seed)}")
    return "\n".join(lines)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as handle:
            print(markdown(json.load(handle)))
            print()
