"""Units every layer counts in: money in euros to the cent, weights in kilograms.

Amounts are ``Decimal`` with two places (``DecimalField(max_digits=12, decimal_places=2)``),
never floats; weights are ``Decimal`` kilograms with three places.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ZERO_KG = Decimal("0")
GRAM = Decimal("0.001")


def to_cents(amount) -> Decimal:
    """Return ``amount`` rounded half up to the cent."""
    return Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)


def file_size(size: int) -> str:
    """``size`` bytes as the active language writes it: Django's ``filesizeformat`` (binary
    units, translated by Django: « 345 octets », « 12,1 Kio », « 1,2 Mio » in French, "12.1 KB"
    in English, a no-break space before the unit)."""
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(size))


def file_size_param(size: int) -> dict:
    """A job message's parameter that renders as ``file_size(size)`` when it is read, in the
    reader's language (workshop.jobs.message_render)."""
    return {"bytes": int(size)}
