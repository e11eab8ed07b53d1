"""Units every layer counts in: money in euros to the cent, weights in kilograms.

Amounts are ``Decimal`` with two places (``DecimalField(max_digits=12, decimal_places=2)``),
never floats; weights are ``Decimal`` kilograms with three places.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ZERO_KG = Decimal("0")
GRAM = Decimal("0.001")


def to_cents(amount) -> Decimal:
    """Return ``amount`` rounded half up to the cent."""
    return Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)


# File sizes in decimal units (1 kB = 1,000 bytes), in the reader's language: « 12,3 Mo ».
_SIZE_UNITS = (
    gettext_lazy("%(size)s B"),
    gettext_lazy("%(size)s kB"),
    gettext_lazy("%(size)s MB"),
    gettext_lazy("%(size)s GB"),
)


def file_size(size: int) -> str:
    """``size`` bytes as the active language writes it: « 345 o », « 12,3 ko », « 1,2 Mo »
    in French, "12.3 kB" in English (a no-break space before the unit)."""
    from django.utils.formats import number_format

    value = float(size)
    step = 0
    while value >= 1000 and step < len(_SIZE_UNITS) - 1:
        value /= 1000
        step += 1
    places = Decimal("1") if step == 0 else Decimal("0.1")  # number_format truncates
    rounded = Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)
    number = number_format(rounded, decimal_pos=0 if step == 0 else 1, use_l10n=True)
    return str(_SIZE_UNITS[step] % {"size": number}).replace(" ", "\u00a0", 1)


def file_size_param(size: int) -> dict:
    """A job message's parameter that renders as ``file_size(size)`` when it is read, in the
    reader's language (workshop.jobs.message_render)."""
    return {"bytes": int(size)}
