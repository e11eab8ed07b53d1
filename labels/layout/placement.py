"""Lay a Label out on a Stock: barcode along the bottom, QR code on the right, text in the rest.

Rules, in order of precedence: nothing is inked outside the label's margins (which include
Brother QL's unprintable bands), and quiet zones stay clear and inside the label; barcode
modules are a whole number of printer dots, never narrower than ``MIN_MODULE_MM``
(:mod:`labels.layout.barcodes`), and a Code 128 that cannot fit at that width falls back to a
QR code of the same value when the label has no QR code yet; text shrinks, then wraps, then is
cut with an ellipsis, and lines that still do not fit are dropped (:mod:`labels.layout.text`).
"""

from __future__ import annotations

import math

from labels.content import Label, Role, TextLine
from labels.layout.barcodes import (
    CODE128_QUIET_MODULES,
    MAX_BAR_HEIGHT_MM,
    MAX_BAR_MODULE_MM,
    MAX_QR_MODULE_MM,
    MIN_BAR_HEIGHT_MM,
    QR_QUIET_MODULES,
    code128_pattern,
    module_dot_choices,
)
from labels.layout.items import BarsItem, LabelLayout, LayoutError, QRItem, TextItem
from labels.layout.text import MIN_TEXT_PT, fit_block, fit_line
from labels.stocks import MM_PER_INCH, Stock, StockKind
from workshop import fonts
from workshop.qr import qr_matrix

GAP_MM = 0.6


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
        for d in module_dot_choices(dpi, MAX_BAR_MODULE_MM):
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
        for d in module_dot_choices(dpi, MAX_QR_MODULE_MM):
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
