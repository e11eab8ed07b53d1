"""Shared pieces of the reports: the period filter, the weight expression, SQL helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import DecimalField, F, FloatField, Func, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

ZERO = Decimal("0")


@dataclass(frozen=True)
class Period:
    """A report's filters: a site (None: every site) and an inclusive range of dates."""

    site: object | None = None
    date_from: date | None = None
    date_to: date | None = None


def period_bounds(date_from: date | None, date_to: date | None):
    """Return aware datetimes ``[start, end)`` for an inclusive range of local dates."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), tz) if date_from else None
    end = (
        timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), tz)
        if date_to
        else None
    )
    return start, end


def weight_expression(prefix: str = ""):
    """A device's weight: weighed, else its category's typical weight, else zero."""
    return Coalesce(
        F(f"{prefix}weight_kg"),
        F(f"{prefix}category__default_weight_kg"),
        Value(ZERO),
        output_field=DecimalField(max_digits=12, decimal_places=3),
    )


class SecondsBetween(Func):
    """Seconds from the first datetime expression to the second (float), on every backend."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            return f"EXTRACT(EPOCH FROM ({end_sql} - {start_sql}))", [*end_params, *start_params]
        if connection.vendor == "sqlite":
            return (
                f"((julianday({end_sql}) - julianday({start_sql})) * 86400.0)",
                [*end_params, *start_params],
            )
        return (
            f"TIMESTAMPDIFF(MICROSECOND, {start_sql}, {end_sql}) / 1000000.0",
            [*start_params, *end_params],
        )


def to_decimal(value, places: str = "0.001") -> Decimal:
    if value is None:
        return ZERO
    return Decimal(value).quantize(Decimal(places))
