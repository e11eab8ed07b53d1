"""Where devices went: reused, harvested for parts, recycled; by count, by weight, by WEEE
category for the eco-organisation, the CO2e avoided by reuse, and sales (once the shop lands).

A device counts in the period when it *reached* its current outcome state in the period
(``state_changed_at``): reused = ``sold``, harvested = ``harvested``, recycled = ``recycled``.
A sold device that came back (``returned``) is no longer counted as reused. Weight is the
weighed weight, else the category's typical weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum
from django.db.models.functions import Coalesce

from inventory.models import Co2Factor
from refurb.models import Device
from refurb.states import State
from reports.figures.common import ZERO, period_bounds, to_decimal, weight_expression
from shop.models import Sale

OUTCOMES = {
    "reused": State.SOLD,
    "harvested": State.HARVESTED,
    "recycled": State.RECYCLED,
}


def _left(*, site=None, date_from=None, date_to=None, donor=None, collections=None):
    devices = Device.objects.filter(state__in=OUTCOMES.values())
    if donor is not None:  # the donor's page and yearly report (reports.donors)
        devices = devices.filter(collection__donor=donor)
    if collections is not None:
        devices = devices.filter(collection__in=collections)
    start, end = period_bounds(date_from, date_to)
    if start is not None:
        devices = devices.filter(state_changed_at__gte=start)
    if end is not None:
        devices = devices.filter(state_changed_at__lt=end)
    if site is not None:
        devices = devices.filter(site=site)
    return devices


def _rate(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Outcomes:
    counts: dict[str, int]
    weights_kg: dict[str, Decimal]

    @property
    def total_count(self) -> int:
        return sum(self.counts.values())

    @property
    def total_weight_kg(self) -> Decimal:
        return sum(self.weights_kg.values(), ZERO)

    @property
    def reuse_rate_count(self) -> Decimal | None:
        """Reused / (reused + harvested + recycled), in percent, by number of devices."""
        return _rate(self.counts["reused"], self.total_count)

    @property
    def reuse_rate_weight(self) -> Decimal | None:
        """Reused / (reused + harvested + recycled), in percent, by weight."""
        return _rate(self.weights_kg["reused"], self.total_weight_kg)


def _outcome_aggregates() -> dict:
    aggregates = {}
    for name, state in OUTCOMES.items():
        only = Q(state=state)
        aggregates[f"{name}_n"] = Count("id", filter=only)
        aggregates[f"{name}_kg"] = Coalesce(
            Sum(weight_expression(), filter=only),
            ZERO,
            output_field=DecimalField(max_digits=14, decimal_places=3),
        )
    return aggregates


def outcomes(*, site=None, date_from=None, date_to=None) -> Outcomes:
    """Count and weigh the devices reused, harvested and recycled in the period."""
    result = _left(site=site, date_from=date_from, date_to=date_to).aggregate(
        **_outcome_aggregates()
    )
    return Outcomes(
        counts={name: result[f"{name}_n"] for name in OUTCOMES},
        weights_kg={name: to_decimal(result[f"{name}_kg"]) for name in OUTCOMES},
    )


@dataclass(frozen=True)
class WeeeRow:
    weee_category: str
    outcomes: Outcomes


def weee_weights(*, site=None, date_from=None, date_to=None) -> list[WeeeRow]:
    """Count and weigh, per WEEE category of the declaration, the devices that left in the
    period, by outcome."""
    rows = (
        _left(site=site, date_from=date_from, date_to=date_to)
        .values("category__weee_category")
        .annotate(**_outcome_aggregates())
        .order_by("category__weee_category")
    )
    return [
        WeeeRow(
            weee_category=row["category__weee_category"] or "",
            outcomes=Outcomes(
                counts={name: row[f"{name}_n"] for name in OUTCOMES},
                weights_kg={name: to_decimal(row[f"{name}_kg"]) for name in OUTCOMES},
            ),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Co2Row:
    category: str
    reused: int
    factor: Decimal | None
    kg_co2e: Decimal | None
    source: str
    source_url: str
    code: str = ""


@dataclass(frozen=True)
class Co2Report:
    rows: list[Co2Row]

    @property
    def total_kg_co2e(self) -> Decimal:
        return sum((row.kg_co2e for row in self.rows if row.kg_co2e is not None), ZERO)

    @property
    def without_factor(self) -> int:
        """Reused devices left out of the estimate: their category has no factor."""
        return sum(row.reused for row in self.rows if row.factor is None)


def co2_avoided(
    *, site=None, date_from=None, date_to=None, donor=None, collections=None
) -> Co2Report:
    """Estimate the CO2e avoided by the devices reused in the period: per category, the number
    reused times the category's factor (``Co2Factor``, with its source). ``donor`` and
    ``collections`` narrow it to a donor's devices (reports.donors)."""
    rows = (
        _left(
            site=site,
            date_from=date_from,
            date_to=date_to,
            donor=donor,
            collections=collections,
        )
        .filter(state=OUTCOMES["reused"])
        .values(
            "category__code",
            "category__name",
            "category__co2_factor__kg_co2e_per_unit",
            "category__co2_factor__source",
            "category__co2_factor__source_url",
        )
        .annotate(
            reused=Count("id"),
            kg=Sum("category__co2_factor__kg_co2e_per_unit"),
        )
        .order_by("category__code")
    )
    return Co2Report(
        rows=[
            Co2Row(
                category=row["category__name"],
                code=row["category__code"],
                reused=row["reused"],
                factor=row["category__co2_factor__kg_co2e_per_unit"],
                kg_co2e=to_decimal(row["kg"], "0.01") if row["kg"] is not None else None,
                source=row["category__co2_factor__source"] or "",
                source_url=row["category__co2_factor__source_url"] or "",
            )
            for row in rows
        ]
    )


def co2_factors():
    """Return the factors with their sources, to show beside the estimate."""
    return list(Co2Factor.objects.select_related("category").order_by("category__order"))


def sales_by_buyer(*, site=None, date_from=None, date_to=None) -> list[dict]:
    """Count sales and sum their amounts by buyer kind and price tier.

    Reads the shop's invoices: ``buyer__kind``, ``tier``, ``total``, ``site`` and
    ``completed_at``; credit notes are not deducted (see the returns report).
    """
    sales = Sale.objects.all()
    start, end = period_bounds(date_from, date_to)
    if start is not None:
        sales = sales.filter(completed_at__gte=start)
    if end is not None:
        sales = sales.filter(completed_at__lt=end)
    if site is not None:
        sales = sales.filter(site=site)
    return list(
        sales.values("buyer__kind", price_tier=F("tier"))
        .annotate(sales=Count("id"), amount=Sum("total"))
        .order_by("buyer__kind", "price_tier")
    )
