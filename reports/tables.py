"""Each report as a table (title, column headers, rows): what the screen shows and what the CSV
export writes, from the same rows, so the two never disagree."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from refurb.services import verification_sampling_report
from reports import figures as reports
from reports.figures.common import Period, period_bounds
from workshop.csvsafe import csv_writer


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    header: list[str]
    rows: list[list]


def _stock(name, title, function, what):
    def build(period: Period) -> Table:
        rows = function(site=period.site)
        return Table(
            name,
            str(title),
            [str(what), "key", str(_("devices")), str(_("weight (kg)"))],
            [[str(row.label), row.key, row.count, row.weight_kg] for row in rows],
        )

    return build


def _time_in_state(period: Period) -> Table:
    rows = reports.time_in_state(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    return Table(
        "time_in_state",
        str(_("Time spent in each state (finished stays)")),
        [str(_("state")), "key", str(_("stays")), str(_("median (h)")), str(_("90th pct (h)"))],
        [[row.label, row.state, row.count, row.median_hours, row.p90_hours] for row in rows],
    )


def _stuck(period: Period, days: int = 30) -> Table:
    stuck = reports.stuck_devices(site=period.site, days=days)
    return Table(
        "stuck",
        str(_("Devices unchanged for more than %(days)s days") % {"days": days}),
        [str(_("state")), "key", str(_("devices"))],
        [[label, state, count] for state, label, count in stuck.by_state],
    )


def _throughput(period: Period) -> Table:
    rows = reports.throughput_by_bench(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    return Table(
        "throughput",
        str(_("Weekly throughput per bench")),
        [str(_("week")), str(_("workstation")), str(_("state changes")), str(_("devices"))],
        [[row.week.isoformat(), row.workstation, row.transitions, row.devices] for row in rows],
    )


OUTCOME_NAMES = {
    "reused": _("reused"),
    "harvested": _("harvested"),
    "recycled": _("recycled"),
}


def _outcomes(period: Period) -> Table:
    result = reports.outcomes(site=period.site, date_from=period.date_from, date_to=period.date_to)
    rows = [
        [str(label), key, result.counts[key], result.weights_kg[key]]
        for key, label in OUTCOME_NAMES.items()
    ]
    rows.append([str(_("total")), "total", result.total_count, result.total_weight_kg])
    rows.append(
        [
            str(_("reuse rate (%)")),
            "reuse_rate",
            result.reuse_rate_count,
            result.reuse_rate_weight,
        ]
    )
    return Table(
        "outcomes",
        str(_("Outcomes (devices that reached them in the period)")),
        [str(_("outcome")), "key", str(_("devices")), str(_("weight (kg)"))],
        rows,
    )


def _weee(period: Period) -> Table:
    rows = reports.weee_weights(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    header = [str(_("WEEE category"))]
    for label in OUTCOME_NAMES.values():
        header += [f"{label} ({_('devices')})", f"{label} (kg)"]
    header += [str(_("total (kg)"))]
    body = []
    for row in rows:
        line = [row.weee_category or "—"]
        for key in OUTCOME_NAMES:
            line += [row.outcomes.counts[key], row.outcomes.weights_kg[key]]
        line.append(row.outcomes.total_weight_kg)
        body.append(line)
    return Table("weee", str(_("Weights per WEEE category (declaration)")), header, body)


def _co2(period: Period) -> Table:
    report = reports.co2_avoided(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    rows = [
        [
            row.category,
            row.reused,
            row.factor if row.factor is not None else "",
            row.kg_co2e if row.kg_co2e is not None else "",
            row.source or str(_("no factor: left out of the estimate")),
        ]
        for row in report.rows
    ]
    rows.append([str(_("total")), "", "", report.total_kg_co2e, ""])
    return Table(
        "co2",
        str(_("Estimated CO2e avoided by reuse")),
        [
            str(_("category")),
            str(_("reused")),
            str(_("kg CO2e per unit")),
            str(_("kg CO2e")),
            str(_("source")),
        ],
        rows,
    )


def _workers(period: Period) -> Table:
    rows = reports.worker_activity(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    return Table(
        "workers",
        str(_("Activity per worker and week")),
        [
            str(_("week")),
            str(_("worker")),
            str(_("user name")),
            str(_("events")),
            str(_("state changes")),
            str(_("erasures and destructions")),
            str(_("tests")),
            str(_("devices")),
        ],
        [
            [
                row.week.isoformat(),
                row.name,
                row.username,
                row.events,
                row.transitions,
                row.erasures,
                row.tests,
                row.devices,
            ]
            for row in rows
        ],
    )


def _erasure_sampling(period: Period) -> Table:
    """R2v3 verification sampling over the proofs of erasure recorded in the period."""
    start, end = period_bounds(period.date_from, period.date_to)
    figures = verification_sampling_report(site=period.site, start=start, end=end)
    lines = [
        (_("share of proofs to draw (configured)"), "share", f"{figures['share'] * 100:g} %"),
        (_("proofs of erasure"), "proofs", figures["proofs"]),
        (_("drives drawn for a check"), "drawn", figures["drawn"]),
        (_("share actually drawn"), "drawn_share", f"{figures['drawn_share'] * 100:.1f} %"),
        (_("checks done"), "checked", figures["checked"]),
        (_("checks passed"), "passed", figures["passed"]),
        (_("checks failed (back to erasure)"), "failed", figures["failed"]),
        (_("checks still to do"), "pending", figures["pending"]),
    ]
    return Table(
        "erasure_sampling",
        str(_("Erasure: independent verification sampling (R2v3)")),
        [str(_("figure")), "key", str(_("value"))],
        [[str(label), key, value] for label, key, value in lines],
    )


TABLES: dict[str, Callable[[Period], Table]] = {
    "stock_by_state": _stock(
        "stock_by_state", _("Devices by state"), reports.stock_by_state, _("state")
    ),
    "stock_by_category": _stock(
        "stock_by_category", _("Held devices by category"), reports.stock_by_category, _("category")
    ),
    "stock_by_grade": _stock(
        "stock_by_grade", _("Held devices by grade"), reports.stock_by_grade, _("grade")
    ),
    "stock_by_location": _stock(
        "stock_by_location", _("Held devices by location"), reports.stock_by_location, _("location")
    ),
    "time_in_state": _time_in_state,
    "stuck": _stuck,
    "throughput": _throughput,
    "outcomes": _outcomes,
    "weee": _weee,
    "co2": _co2,
    "workers": _workers,
    "erasure_sampling": _erasure_sampling,
}

# Visible to coaches as well as managers; every other table is for managers only.
COACH_TABLES = frozenset({"workers"})


def table_csv(table: Table) -> str:
    """Write a table as CSV, values as the screen shows them (dot decimals)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()
