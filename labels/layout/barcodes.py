"""Size Code 128 and QR symbols in whole printer dots, so every module scans.

Barcode modules are a whole number of printer dots, never narrower than ``MIN_MODULE_MM``;
quiet zones follow the symbologies' standards. The label's placement picks the widest module
that fits from :func:`module_dot_choices`.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from barcode import Code128

from labels.stocks import MM_PER_INCH

MIN_MODULE_MM = 0.25  # narrowest Code 128 / QR module we print: scans with any workshop scanner
MAX_BAR_MODULE_MM = 0.5
MAX_QR_MODULE_MM = 1.0
CODE128_QUIET_MODULES = 10  # ISO/IEC 15417
QR_QUIET_MODULES = 4  # ISO/IEC 18004
MIN_BAR_HEIGHT_MM = 5.0
MAX_BAR_HEIGHT_MM = 25.0

_RUN = re.compile("1+")


def bar_runs(pattern: str) -> list[tuple[int, int]]:
    """Return (first module, number of modules) of every bar of a module string."""
    return [(m.start(), m.end() - m.start()) for m in _RUN.finditer(pattern)]


@lru_cache(maxsize=4096)
def code128_pattern(value: str) -> str:
    """Return python-barcode's module string of ``value`` ('1' = bar), cached."""
    return Code128(value).build()[0]


def code128_codes(value: str) -> list[int]:
    """Code 128 symbol values (start, data, code switches; no check digit) as encoded."""
    return Code128(value)._build()


def module_dot_choices(dpi: int, max_mm: float) -> list[int]:
    """Whole-dot module widths from the widest allowed down to the narrowest legible one."""
    lo = math.ceil(MIN_MODULE_MM * dpi / MM_PER_INCH - 0.02)
    hi = max(lo, math.floor(max_mm * dpi / MM_PER_INCH))
    return list(range(hi, lo - 1, -1))
