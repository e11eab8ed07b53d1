"""What is held now: devices by state, category, grade and location, with their weight."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from refurb.models import Device
from refurb.states import HELD_STATES, State
from reports.figures.common import to_decimal, weight_expression


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int
    weight_kg: Decimal
    site: str = ""


def _devices(site):
    devices = Device.objects.all()
    if site is not None:
        devices = devices.filter(site=site)
    return devices


def _rows(queryset, key: str, label_of) -> list[CountRow]:
    rows = queryset.values(*key).annotate(count=Count("id"), weight=Sum(weight_expression()))
    return [
        CountRow(
            key=str(row[key[0]] or ""),
            label=label_of(row),
            count=row["count"],
            weight_kg=to_decimal(row["weight"]),
        )
        for row in rows.order_by(*key)
    ]


def stock_by_state(*, site=None) -> list[CountRow]:
    """Count every device (held or gone) by its current state, with total weight."""
    rows = {
        row.key: row
        for row in _rows(_devices(site), ("state",), lambda row: State(row["state"]).label)
    }
    return [rows[state] for state in State.values if state in rows]


def stock_by_category(*, site=None) -> list[CountRow]:
    """Count the devices held (not yet gone) by category."""
    return _rows(
        _devices(site).filter(state__in=HELD_STATES),
        ("category__code", "category__name"),
        lambda row: row["category__name"],
    )


def stock_by_grade(*, site=None) -> list[CountRow]:
    """Count the devices held by grade (no grade yet: an empty key)."""
    return _rows(
        _devices(site).filter(state__in=HELD_STATES),
        ("grade__code", "grade__name"),
        lambda row: row["grade__name"] or _("Not graded yet"),
    )


def stock_by_location(*, site=None) -> list[CountRow]:
    """Count the devices held by site and location (no location: an empty key)."""
    rows = (
        _devices(site)
        .filter(state__in=HELD_STATES)
        .values("site__name", "location__tag", "location__name")
        .annotate(count=Count("id"), weight=Sum(weight_expression()))
        .order_by("site__name", "location__name", "location__tag")
    )
    return [
        CountRow(
            key=row["location__tag"] or "",
            label=row["location__name"] or _("No location"),
            count=row["count"],
            weight_kg=to_decimal(row["weight"]),
            site=row["site__name"],
        )
        for row in rows
    ]
