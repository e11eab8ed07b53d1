"""Lay a :class:`~labels.content.Label` out on any :class:`~labels.stocks.Stock`.

Everything is in millimetres from the label's top-left corner, y downwards.
Rules, in order of precedence:

* nothing is inked outside the label's margins (which include Brother QL's
  unprintable bands), and quiet zones stay clear and inside the label;
* barcode modules are a whole number of printer dots, never narrower than
  ``MIN_MODULE_MM``; a Code 128 that cannot fit at that width falls back to a
  QR code of the same value when the label has no QR code yet;
* text shrinks, then wraps, then is cut with an ellipsis; lines that still do
  not fit vertically are dropped, least important first (small, then body),
  and listed in ``LabelLayout.dropped``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from barcode import Code128

from labels.content import Label, Role, TextLine
from labels.stocks import MM_PER_INCH, Stock, StockKind
from workshop import fonts
from workshop.qr import qr_matrix

MIN_MODULE_MM = 0.25  # narrowest Code 128 / QR module we print: scans with any workshop scanner
MAX_BAR_MODULE_MM = 0.5
MAX_QR_MODULE_MM = 1.0
CODE128_QUIET_MODULES = 10  # ISO/IEC 15417
QR_QUIET_MODULES = 4  # ISO/IEC 18004
MIN_BAR_HEIGHT_MM = 5.0
MAX_BAR_HEIGHT_MM = 25.0
MIN_TEXT_PT = 5.0
GAP_MM = 0.6
BASE_PT = {Role.TITLE: 10.0, Role.BODY: 7.5, Role.SMALL: 6.5, Role.PRICE: 11.0}
MAX_LINES = {Role.TITLE: 2, Role.BODY: 2, Role.SMALL: 1, Role.PRICE: 2}
BOLD_ROLES = frozenset({Role.TITLE, Role.PRICE})


class LayoutError(ValueError):
    """The content cannot be printed legibly on this stock."""


@dataclass(frozen=True)
class TextItem:
    text: str
    x: float  # left of the box the text lives in
    top: float
    width: float  # width of that box; the text's own width is never larger
    size_pt: float
    bold: bool
    role: Role
    align: str = "left"  # or "center"

    @property
    def height(self) -> float:
        return fonts.line_height_mm(self.size_pt)

    @property
    def baseline(self) -> float:
        return self.top + fonts.ascent_mm(self.size_pt)

    @property
    def ink_width(self) -> float:
        return fonts.text_width_mm(self.text, self.size_pt, self.bold)

    @property
    def ink_x(self) -> float:
        if self.align == "center":
            return self.x + (self.width - self.ink_width) / 2
        return self.x

    def bbox(self) -> tuple[float, float, float, float]:
        x = self.ink_x
        return (x, self.top, x + self.ink_width, self.top + self.height)


@dataclass(frozen=True)
class BarsItem:
    """A Code 128 symbol: ``pattern`` is python-barcode's module string ('1' = bar)."""

    value: str
    pattern: str
    x: float
    y: float
    module_mm: float
    module_dots: int
    height: float

    @property
    def width(self) -> float:
        return len(self.pattern) * self.module_mm

    @property
    def quiet_mm(self) -> float:
        return CODE128_QUIET_MODULES * self.module_mm

    def runs(self) -> list[tuple[int, int]]:
        """(first module, number of modules) of every bar."""
        return _runs(self.pattern)

    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.x + self.width, self.y + self.height)


@dataclass(frozen=True)
class QRItem:
    value: str
    x: float
    y: float
    module_mm: float
    module_dots: int
    size: int  # modules per side, without quiet zone
    # dark rectangles in modules: (first row, first column, width, height)
    rects: tuple[tuple[int, int, int, int], ...]

    @property
    def width(self) -> float:
        return self.size * self.module_mm

    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.x + self.width, self.y + self.width)


@dataclass
class LabelLayout:
    stock: Stock  # concrete: continuous rolls carry the chosen length
    width: float
    height: float
    dpi: int
    texts: list[TextItem] = field(default_factory=list)
    bars: BarsItem | None = None
    qr: QRItem | None = None
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def ink_boxes(self) -> list[tuple[float, float, float, float]]:
        boxes = [t.bbox() for t in self.texts]
        if self.bars:
            boxes.append(self.bars.bbox())
        if self.qr:
            boxes.append(self.qr.bbox())
        return boxes


_RUN = re.compile("1+")


def _runs(pattern: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end() - m.start()) for m in _RUN.finditer(pattern)]


@lru_cache(maxsize=4096)
def code128_pattern(value: str) -> str:
    return Code128(value).build()[0]


def code128_codes(value: str) -> list[int]:
    """Code 128 symbol values (start, data, code switches; no check digit) as encoded."""
    return Code128(value)._build()


def _module_dot_choices(dpi: int, max_mm: float) -> list[int]:
    """Whole-dot module widths from the widest allowed down to the narrowest legible one."""
    lo = math.ceil(MIN_MODULE_MM * dpi / MM_PER_INCH - 0.02)
    hi = max(lo, math.floor(max_mm * dpi / MM_PER_INCH))
    return list(range(hi, lo - 1, -1))


# --------------------------------------------------------------------------- text fitting


def _char_widths(text: str, bold: bool) -> list[float]:
    widths = fonts.metrics(bold).widths
    return [widths.get(ord(c), 0.6) for c in text]


def _prefix_fit(widths: list[float], limit_em: float) -> int:
    total = 0.0
    for i, w in enumerate(widths):
        total += w
        if total > limit_em:
            return i
    return len(widths)


def ellipsize(text: str, width_mm: float, size_pt: float, bold: bool) -> str:
    """``text`` if it fits, else its longest fitting prefix followed by '…' (or '')."""
    m = fonts.metrics(bold)
    limit = width_mm / (size_pt * fonts.PT_TO_MM)
    if m.width_em(text) <= limit:
        return text
    room = limit - m.width_em(fonts.ELLIPSIS)
    if room < 0:
        return ""
    k = _prefix_fit(_char_widths(text, bold), room)
    return text[:k].rstrip() + fonts.ELLIPSIS


def wrap(text: str, width_mm: float, size_pt: float, bold: bool, max_lines: int) -> list[str]:
    """Greedy word wrap in at most ``max_lines``; the last line is ellipsised if text remains."""
    m = fonts.metrics(bold)
    limit = width_mm / (size_pt * fonts.PT_TO_MM)
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        if m.width_em(rest) <= limit:
            lines.append(rest)
            break
        if len(lines) == max_lines - 1:
            cut = ellipsize(rest, width_mm, size_pt, bold)
            if cut:
                lines.append(cut)
            break
        k = _prefix_fit(_char_widths(rest, bold), limit)
        if k == 0:
            break
        space = rest.rfind(" ", 0, k + 1)
        if space > 0:
            line, rest = rest[:space], rest[space + 1 :]
        else:
            line, rest = rest[:k], rest[k:]
        lines.append(line.rstrip())
        rest = rest.lstrip()
    return [line for line in lines if line]


def fit_line(
    text: str, width_mm: float, size_pt: float, bold: bool, max_lines: int, shrink: float = 0.75
) -> tuple[float, list[str]]:
    """Shrink (to ``shrink`` × size, not below MIN_TEXT_PT), then wrap, then ellipsise."""
    m = fonts.metrics(bold)
    floor = max(MIN_TEXT_PT, size_pt * shrink)
    em = m.width_em(text)
    if em * size_pt * fonts.PT_TO_MM <= width_mm:
        return size_pt, [text]
    needed = math.floor(width_mm / (em * fonts.PT_TO_MM) * 4) / 4  # quarter points
    if needed >= floor:
        return needed, [text]
    return floor, wrap(text, width_mm, floor, bold, max_lines)


def _fit_at_scale(lines: list[TextLine], width: float, scale: float):
    placed = []
    height = 0.0
    at_floor = True
    for line in lines:
        nominal = BASE_PT[line.role] * scale
        if nominal > MIN_TEXT_PT + 1e-9:
            at_floor = False
        nominal = max(MIN_TEXT_PT, nominal)
        bold = line.role in BOLD_ROLES
        shrink = 0.0 if line.role is Role.PRICE else 0.75  # a price shrinks before it wraps
        size, parts = fit_line(line.text, width, nominal, bold, MAX_LINES[line.role], shrink)
        placed.append((line, size, bold, parts))
        height += fonts.line_height_mm(size) * len(parts)
    return placed, height, at_floor


def _best_fit(lines: list[TextLine], width: float, height: float, hi: float, lo: float):
    """Largest scale in [lo, hi] (bisection, 6 steps) whose text fits the height; or None."""
    placed, total, _ = _fit_at_scale(lines, width, hi)
    if total <= height + 1e-9:
        return placed
    best, total, _ = _fit_at_scale(lines, width, lo)
    if total > height + 1e-9:
        return None
    for _ in range(6):
        mid = (lo + hi) / 2
        placed, total, _ = _fit_at_scale(lines, width, mid)
        if total <= height + 1e-9:
            best, lo = placed, mid
        else:
            hi = mid
    return best


def _drop_candidate(lines: list[TextLine]) -> int | None:
    for role in (Role.SMALL, Role.BODY):
        for i in range(len(lines) - 1, -1, -1):
            if lines[i].role == role and not lines[i].essential:
                return i
    if len(lines) > 1:
        return len(lines) - 1
    return None


def fit_block(
    lines: list[TextLine], x: float, top: float, width: float, height: float, scale: float
) -> tuple[list[TextItem], list[str]]:
    """Lay text lines out top-down in the box; returns the items and the dropped lines."""
    lines = [TextLine(fonts.sanitize(li.text), li.role, li.keep) for li in lines]
    lines = [li for li in lines if li.text]
    dropped: list[str] = []
    if width <= 0 or height <= 0:
        return [], [li.text for li in lines]
    min_scale = MIN_TEXT_PT / max(BASE_PT[li.role] for li in lines) if lines else 1.0
    while lines:
        placed = _best_fit(lines, width, height, min(scale, max(scale, min_scale)), min_scale)
        if placed is not None:
            items = []
            y = top
            for line, size, bold, parts in placed:
                for part in parts:
                    items.append(TextItem(part, x, y, width, size, bold, line.role))
                    y += fonts.line_height_mm(size)
            return items, dropped
        i = _drop_candidate(lines)
        if i is None:
            dropped.append(lines[0].text)
            break
        dropped.append(lines.pop(i).text)
    return [], dropped


# --------------------------------------------------------------------------- the layout


def _margins(stock: Stock) -> tuple[float, float, float, float]:
    base = 1.5 if stock.kind is StockKind.SHEET else 1.0  # sheet feed is less precise
    bands = stock.printable_box_mm()
    return tuple(max(base, b) for b in bands)  # type: ignore[return-value]


def layout(label: Label, stock: Stock) -> LabelLayout:
    """Lay ``label`` out on ``stock``; raises :class:`LayoutError` if it cannot be legible."""
    stock = stock.with_length(label.length_mm)
    essential = {li.text for li in label.all_lines() if li.essential}
    result = _layout(label, stock, None)
    if result.bars is not None and essential & set(result.dropped):
        # Give the essential text the room of a shorter (still scannable) barcode.
        shorter = _layout(label, stock, MIN_BAR_HEIGHT_MM)
        if len(shorter.dropped) < len(result.dropped):
            return shorter
    return result


def _layout(label: Label, stock: Stock, bar_height: float | None) -> LabelLayout:
    W, H = stock.width_mm, stock.height_mm
    assert H is not None
    dpi = stock.layout_dpi
    unit = MM_PER_INCH / dpi

    def snap(v: float) -> float:
        return round(v / unit) * unit

    def snap_up(v: float) -> float:
        return math.ceil(v / unit - 1e-6) * unit

    def snap_down(v: float) -> float:
        return math.floor(v / unit + 1e-6) * unit

    mL, mT, mR, mB = _margins(stock)
    out = LabelLayout(stock=stock, width=W, height=H, dpi=dpi)
    lines = label.all_lines()
    qr_value = label.qr
    scale = min(3.0, max(0.8, min(W / 50.0, H / 25.0)))
    content_h = H - mT - mB
    text_bottom = H - mB

    # Code 128 along the bottom, human-readable value under it.
    if label.barcode is not None:
        value = label.barcode.value
        pattern = code128_pattern(value)
        n = len(pattern)
        chosen = None
        for d in _module_dot_choices(dpi, MAX_BAR_MODULE_MM):
            mod = d * unit
            q = CODE128_QUIET_MODULES * mod
            lo = snap_up(max(mL, q))
            hi = snap_down(W - max(mR, q))
            if n * mod <= hi - lo + 1e-9:
                chosen = (d, mod, lo, hi)
                break
        if chosen is None:
            if qr_value is not None:
                raise LayoutError(
                    f"barcode {value!r} ({n} modules) is too long for {stock.code} "
                    "next to a QR code"
                )
            qr_value = value
            out.notes.append(f"barcode {value!r} too long for {stock.code}: printed as QR code")
            if label.barcode.human_readable:
                lines.append(TextLine(value, Role.BODY, keep=True))
        else:
            d, mod, lo, hi = chosen
            bar_w = n * mod
            x = min(max(lo, snap((W - bar_w) / 2)), hi - bar_w)
            ratio = 0.3 if qr_value else 0.4
            bar_h = snap(
                bar_height or min(MAX_BAR_HEIGHT_MM, max(MIN_BAR_HEIGHT_MM, content_h * ratio))
            )
            bottom = H - mB
            hri: TextItem | None = None
            if label.barcode.human_readable:
                hri_pt = min(12.0, max(MIN_TEXT_PT + 0.5, 7.0 * scale))
                hri_w = W - mL - mR
                size, parts = fit_line(value, hri_w, hri_pt, False, 1)
                if len(parts) == 1 and parts[0] == value:
                    top = bottom - fonts.line_height_mm(size)
                    hri = TextItem(value, mL, top, hri_w, size, False, Role.BODY, "center")
                    # centre on the bars where the margins allow it
                    bars_centre = x + bar_w / 2
                    ink = hri.ink_width
                    left = min(max(mL, bars_centre - ink / 2), W - mR - ink)
                    hri = TextItem(value, left, top, ink, size, False, Role.BODY, "left")
                    bottom = top - 0.3
            y = snap_down(bottom - bar_h)
            out.bars = BarsItem(value, pattern, x, y, mod, d, snap_down(bottom) - y)
            if hri:
                out.texts.append(hri)
            text_bottom = y - GAP_MM

    # QR code on the right, above the barcode.
    text_right = W - mR
    if qr_value is not None:
        size, rects = qr_matrix(qr_value)
        area_bottom = out.bars.y if out.bars else H
        bottom_margin = 0.0 if out.bars else mB
        chosen_qr = None
        for d in _module_dot_choices(dpi, MAX_QR_MODULE_MM):
            mod = d * unit
            q = QR_QUIET_MODULES * mod
            top = snap_up(max(mT, q))
            bottom = snap_down(area_bottom - max(bottom_margin, q))
            right = snap_down(W - max(mR, q))
            side = size * mod
            if side <= bottom - top + 1e-9 and side <= 0.4 * W:
                chosen_qr = (d, mod, top, right, side, q)
                break
        if chosen_qr is None:
            raise LayoutError(f"stock {stock.code} is too small for a legible QR code here")
        d, mod, top, right, side, q = chosen_qr
        x = right - side
        out.qr = QRItem(qr_value, x, top, mod, d, size, rects)
        text_right = x - q
        if not out.bars:
            text_bottom = H - mB

    items, dropped = fit_block(lines, mL, mT, text_right - mL, text_bottom - mT, scale)
    out.texts = items + out.texts
    out.dropped = dropped
    return out
