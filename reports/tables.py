"""Each report as a table (title, column headers, rows): what the screen shows and what the CSV
export writes, from the same rows, so the two never disagree."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from refurb.services import verification_sampling_report
from reports import figures as reports
from reports.figures.common import Period, period_bounds
from shop.models import Buyer
from workshop.csvsafe import csv_writer

NNBSP = "\u202f"  # narrow no-break space: French thousands and the space before "€"


def euros(amount) -> str:
    """An amount the French way, as the screens print it: ``1 234,50 €``."""
    value = Decimal(str(amount or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    units, cents = divmod(abs(value), 1)
    sign = "−" if value < 0 else ""
    groups = f"{int(units):,}".replace(",", NNBSP)
    return f"{sign}{groups},{int(cents * 100):02d}{NNBSP}€"


@dataclass(frozen=True)
class Table:
    """A report: its rows hold labels for people and, in the ``codes`` columns, the stable
    codes for machines. The CSV writes every column; the screen leaves the codes out."""

    name: str
    title: str
    header: list[str]
    rows: list[list]
    codes: tuple[int, ...] = ()
    definition: str = ""

    @property
    def screen_header(self) -> list[str]:
        return [cell for index, cell in enumerate(self.header) if index not in self.codes]

    @property
    def screen_rows(self) -> list[list]:
        return [
            [cell for index, cell in enumerate(row) if index not in self.codes] for row in self.rows
        ]


CODE = "code"  # the header of a code column (the same word in French and English)


def _stock(name, title, function, what, definition):
    def build(period: Period) -> Table:
        rows = function(site=period.site)
        return Table(
            name,
            str(title),
            [str(what), CODE, str(_("devices")), str(_("weight (kg)"))],
            [[str(row.label), row.key, row.count, row.weight_kg] for row in rows],
            codes=(1,),
            definition=str(definition),
        )

    return build


def _stock_by_location(period: Period) -> Table:
    rows = reports.stock_by_location(site=period.site)
    return Table(
        "stock_by_location",
        str(_("Held devices by location")),
        [str(_("site")), str(_("location")), CODE, str(_("devices")), str(_("weight (kg)"))],
        [[row.site, str(row.label), row.key, row.count, row.weight_kg] for row in rows],
        codes=(2,),
        definition=str(
            _(
                "Devices held today (from received to returned, not yet gone), per site and "
                "location. Weight: weighed, else the category's typical weight."
            )
        ),
    )


def _time_in_state(period: Period) -> Table:
    rows = reports.time_in_state(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    return Table(
        "time_in_state",
        str(_("Time spent in each state (finished stays)")),
        [str(_("state")), CODE, str(_("stays")), str(_("median (h)")), str(_("90th pct (h)"))],
        [[str(row.label), row.state, row.count, row.median_hours, row.p90_hours] for row in rows],
        codes=(1,),
        definition=str(
            _(
                "A stay starts when a device enters a state and ends when it leaves it. Per "
                "state: the stays that ended in the period, their median and their 90th "
                "percentile in hours (nine stays in ten were shorter). Stays still running "
                "are left out."
            )
        ),
    )


def _stuck(period: Period, days: int = 30) -> Table:
    stuck = reports.stuck_devices(site=period.site, days=days)
    return Table(
        "stuck",
        str(_("Devices unchanged for more than %(days)s days") % {"days": days}),
        [str(_("state")), CODE, str(_("devices"))],
        [[str(label), state, count] for state, label, count in stuck.by_state],
        codes=(1,),
        definition=str(
            _(
                "Devices held today whose state has not changed for more than %(days)s days, "
                "per state."
            )
            % {"days": days}
        ),
    )


def _throughput(period: Period) -> Table:
    rows = reports.throughput_by_bench(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    return Table(
        "throughput",
        str(_("Weekly throughput per bench")),
        [
            str(_("week of")),
            str(_("site")),
            str(_("workstation")),
            str(_("state changes")),
            str(_("devices")),
        ],
        [[row.week, row.site, row.workstation, row.transitions, row.devices] for row in rows],
        definition=str(
            _(
                "Per week (Monday to Sunday) and workstation: the state changes made there and "
                "the distinct devices they concern. Whole weeks: the period is widened to the "
                "weeks it touches."
            )
        ),
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
        [str(_("outcome")), CODE, str(_("devices")), str(_("weight (kg)"))],
        rows,
        codes=(1,),
        definition=str(
            _(
                "Devices that were sold (reused), stripped for parts (harvested) or recycled "
                "in the period, by number and weight; a sold device that came back no longer "
                "counts. Reuse rate: reused ÷ (reused + harvested + recycled)."
            )
        ),
    )


# The categories of the WEEE declaration (directive 2012/19/EU, annex III; 7 is French).
WEEE_CATEGORY_NAMES = {
    "1": _("Temperature exchange equipment"),
    "2": _("Screens and monitors"),
    "3": _("Lamps"),
    "4": _("Large equipment"),
    "5": _("Small equipment"),
    "6": _("Small IT and telecommunication equipment"),
    "7": _("Photovoltaic panels"),
}


def weee_label(code: str) -> str:
    """``6 — Small IT and telecommunication equipment``; "no category" for none."""
    if not code:
        return str(_("no WEEE category"))
    name = WEEE_CATEGORY_NAMES.get(code)
    return f"{code} — {name}" if name else code


def _weee(period: Period) -> Table:
    rows = reports.weee_weights(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    header = [str(_("WEEE category")), CODE]
    for label in OUTCOME_NAMES.values():
        header += [f"{label} ({_('devices')})", f"{label} (kg)"]
    header += [str(_("total (kg)"))]
    body = []
    for row in rows:
        line = [weee_label(row.weee_category), row.weee_category]
        for key in OUTCOME_NAMES:
            line += [row.outcomes.counts[key], row.outcomes.weights_kg[key]]
        line.append(row.outcomes.total_weight_kg)
        body.append(line)
    return Table(
        "weee",
        str(_("Weights per WEEE category (declaration)")),
        header,
        body,
        codes=(1,),
        definition=str(
            _(
                "The outcomes above per category of the declaration to the eco-organisation "
                "(each equipment category of the workshop names its WEEE category)."
            )
        ),
    )


def _co2(period: Period) -> Table:
    report = reports.co2_avoided(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    rows = [
        [
            row.category,
            row.code,
            row.reused,
            row.factor if row.factor is not None else "",
            row.kg_co2e if row.kg_co2e is not None else "",
            row.source or str(_("no factor: left out of the estimate")),
        ]
        for row in report.rows
    ]
    rows.append([str(_("total")), "total", "", "", report.total_kg_co2e, ""])
    return Table(
        "co2",
        str(_("Estimated CO2e avoided by reuse")),
        [
            str(_("category")),
            CODE,
            str(_("reused")),
            str(_("kg CO2e per unit")),
            str(_("kg CO2e")),
            str(_("source")),
        ],
        rows,
        codes=(1,),
        definition=str(
            _(
                "Devices reused in the period × the factor of their category: the climate "
                "impact of making a new equivalent device, which a reused one spares. "
                "Categories without a factor are left out."
            )
        ),
    )


def _workers(period: Period) -> Table:
    rows = reports.worker_activity(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    return Table(
        "workers",
        str(_("Activity per worker and week")),
        [
            str(_("week of")),
            str(_("site")),
            str(_("worker")),
            CODE,
            str(_("events")),
            str(_("state changes")),
            str(_("erasures and destructions")),
            str(_("tests")),
            str(_("devices")),
        ],
        [
            [
                row.week,
                row.site,
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
        codes=(3,),
        definition=str(
            _(
                "Per worker, site and week (Monday to Sunday): the events they recorded, of "
                "which state changes, erasures and destructions, and tests, and the distinct "
                "devices they touched. One line per week: distinct devices cannot be added up "
                "across weeks."
            )
        ),
    )


def _erasure_sampling(period: Period) -> Table:
    """R2v3 verification sampling over the proofs of erasure recorded in the period."""
    start, end = period_bounds(period.date_from, period.date_to)
    figures = verification_sampling_report(site=period.site, start=start, end=end)
    percent = f"{NNBSP}%"
    lines = [
        (
            _("share of proofs to draw (configured)"),
            "share",
            formats.number_format(Decimal(str(figures["share"] * 100)).normalize()) + percent,
        ),
        (_("proofs of erasure"), "proofs", figures["proofs"]),
        (_("drives drawn for a check"), "drawn", figures["drawn"]),
        (
            _("share actually drawn"),
            "drawn_share",
            formats.number_format(
                Decimal(str(figures["drawn_share"] * 100)).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                ),
                1,
            )
            + percent,
        ),
        (_("checks done"), "checked", figures["checked"]),
        (_("checks passed"), "passed", figures["passed"]),
        (_("checks failed (back to erasure)"), "failed", figures["failed"]),
        (_("checks still to do"), "pending", figures["pending"]),
    ]
    return Table(
        "erasure_sampling",
        str(_("Erasure: independent verification sampling (R2v3)")),
        [str(_("figure")), CODE, str(_("value"))],
        [[str(label), key, value] for label, key, value in lines],
        codes=(1,),
        definition=str(
            _(
                "A share of the erased drives is drawn at random and erased drives are checked "
                "again by someone else; a failed check sends the drive and its batch back to "
                "erasure."
            )
        ),
    )


def _sales(period: Period) -> Table:
    rows = reports.sales_by_buyer(
        site=period.site, date_from=period.date_from, date_to=period.date_to
    )
    return Table(
        "sales",
        str(_("Sales by buyer kind and price tier")),
        [
            str(_("buyer kind")),
            CODE,
            str(_("price tier")),
            CODE,
            str(_("sales")),
            str(_("amount")),
            f"{_('amount')} (EUR)",
        ],
        [
            [
                _label(Buyer.Kind, row["buyer__kind"]),
                row["buyer__kind"],
                _label(Buyer.Tier, row["price_tier"]),
                row["price_tier"],
                row["sales"],
                euros(row["amount"]),
                Decimal(str(row["amount"] or 0)).quantize(Decimal("0.01")),
            ]
            for row in rows
        ],
        codes=(1, 3, 6),
        definition=str(
            _(
                "Invoices of the period by kind of buyer and price tier: their number and "
                "amount including VAT. Credit notes are not deducted."
            )
        ),
    )


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "—")


TABLES: dict[str, Callable[[Period], Table]] = {
    "stock_by_state": _stock(
        "stock_by_state",
        _("Devices by state"),
        reports.stock_by_state,
        _("state"),
        _("Every device today, held or gone, by its current state, with its weight."),
    ),
    "stock_by_category": _stock(
        "stock_by_category",
        _("Held devices by category"),
        reports.stock_by_category,
        _("category"),
        _("Devices held today (not sold, recycled, harvested or written off), by category."),
    ),
    "stock_by_grade": _stock(
        "stock_by_grade",
        _("Held devices by grade"),
        reports.stock_by_grade,
        _("grade"),
        _("Devices held today by grade (A, B, C); those not graded yet together."),
    ),
    "stock_by_location": _stock_by_location,
    "time_in_state": _time_in_state,
    "stuck": _stuck,
    "throughput": _throughput,
    "outcomes": _outcomes,
    "weee": _weee,
    "co2": _co2,
    "workers": _workers,
    "erasure_sampling": _erasure_sampling,
    "sales": _sales,
}

# Visible to coaches as well as managers; every other table is for managers only.
COACH_TABLES = frozenset({"workers"})


def table_csv(table: Table) -> str:
    """Write a table as CSV: labels and their codes, dot decimals, ISO dates."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()
