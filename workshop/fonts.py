"""The label font and its metrics, shared by every renderer.

reportlab ships Bitstream Vera (Vera.ttf, VeraBd.ttf) with its licence
(reportlab/fonts/bitstream-vera-license.txt). Vera covers every French letter,
the ligatures œ/Œ, guillemets, the ellipsis and €, so nothing is vendored: the
font travels with the reportlab dependency. Characters outside the font are
replaced by "?" so no label ever prints an empty box.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
REGULAR_PATH = os.path.join(FONT_DIR, "Vera.ttf")
BOLD_PATH = os.path.join(FONT_DIR, "VeraBd.ttf")
REGULAR = "AtelierSans"
BOLD = "AtelierSans-Bold"
ELLIPSIS = "…"
PT_TO_MM = 25.4 / 72


@lru_cache(maxsize=1)
def register() -> None:
    """Register the fonts with reportlab (idempotent)."""
    pdfmetrics.registerFont(TTFont(REGULAR, REGULAR_PATH))
    pdfmetrics.registerFont(TTFont(BOLD, BOLD_PATH))


class _Metrics:
    def __init__(self, name: str) -> None:
        register()
        font = pdfmetrics.getFont(name)
        face = font.face
        self.name = name
        self.widths: dict[int, float] = {
            code: face.getCharWidth(code) / 1000.0 for code in face.charToGlyph
        }
        self._cache: dict[str, float] = {}

    def width_em(self, text: str) -> float:
        w = self._cache.get(text)
        if w is None:
            widths = self.widths
            w = sum(widths.get(ord(c), 0.6) for c in text)
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[text] = w
        return w

    def covers(self, char: str) -> bool:
        return ord(char) in self.widths


@lru_cache(maxsize=2)
def metrics(bold: bool) -> _Metrics:
    return _Metrics(BOLD if bold else REGULAR)


def font_name(bold: bool) -> str:
    register()
    return BOLD if bold else REGULAR


def text_width_mm(text: str, size_pt: float, bold: bool) -> float:
    return metrics(bold).width_em(text) * size_pt * PT_TO_MM


_SPACES = re.compile(r"[ \t\r\n\f\v\u2028\u2029]+")  # no-break spaces are kept


def sanitize(text: str) -> str:
    """Single-line text: breaking whitespace collapsed, glyphs the font lacks → '?'."""
    m = metrics(False)
    b = metrics(True)
    out = []
    # French typography's narrow no-break space (workshop.typography): Vera has none, its
    # no-break space keeps the words together just as well.
    for c in _SPACES.sub(" ", text).strip().replace("\u202f", "\u00a0"):
        out.append(c if (m.covers(c) and b.covers(c)) else "?")
    return "".join(out)


# Measured glyph extents of Vera (em): accented capitals reach 0.928 above the
# baseline, Ç and g/j/p/q/y reach 0.236 below. A little headroom on both.
ASCENT_EM = 0.94
DESCENT_EM = 0.25


def line_height_mm(size_pt: float) -> float:
    """Height of one line box: ascent + descent, so glyph ink never leaves it."""
    return (ASCENT_EM + DESCENT_EM) * size_pt * PT_TO_MM


def ascent_mm(size_pt: float) -> float:
    return ASCENT_EM * size_pt * PT_TO_MM
