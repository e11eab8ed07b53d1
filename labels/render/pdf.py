"""PDF output with reportlab: vector bars and QR modules, embedded TrueType text.

Rolls and die-cut stocks get one page per label, the page being the label.
Sheets get A4 pages with labels at the stock's positions, starting at
``start_at`` (1-based) on the first sheet so a half-used sheet is not wasted.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from labels.content import Label
from labels.layout import LabelLayout, layout
from labels.stocks import Stock
from workshop import fonts


def draw_layout(c: Canvas, lay: LabelLayout, ox_mm: float, oy_mm: float, page_h_mm: float):
    """Draw one laid-out label with its top-left corner at (ox, oy) mm on the page."""
    ops: list[str] = []

    def X(x: float) -> float:
        return (ox_mm + x) * mm

    def Y(y: float) -> float:
        return (page_h_mm - oy_mm - y) * mm

    # Points with 3 decimals (1/1000 pt = 0.35 µm): exact enough for any printer grid.
    bars = lay.bars
    if bars is not None:
        m = bars.module_mm * mm
        x0 = X(bars.x)
        y0 = Y(bars.y + bars.height)
        h = bars.height * mm
        for start, length in bars.runs():
            ops.append("%.3f %.3f %.3f %.3f re" % (x0 + start * m, y0, length * m, h))  # noqa: UP031
    qr = lay.qr
    if qr is not None:
        m = qr.module_mm * mm
        x0 = X(qr.x)
        top = Y(qr.y)
        for row, col, width, height in qr.rects:
            ops.append(
                "%.3f %.3f %.3f %.3f re"  # noqa: UP031 (fastest formatting, hot loop)
                % (x0 + col * m, top - (row + height) * m, width * m, height * m)
            )
    if ops:
        ops.append("f")
        # One path for all modules through reportlab's content stream: fast and exact.
        c._code.append("\n".join(ops))
    for t in lay.texts:
        c.setFont(fonts.font_name(t.bold), t.size_pt)
        c.drawString(X(t.ink_x), Y(t.baseline), t.text)


def _canvas(buf: io.BytesIO, w_mm: float, h_mm: float, title: str) -> Canvas:
    fonts.register()
    c = Canvas(buf, pagesize=(w_mm * mm, h_mm * mm), pageCompression=1, invariant=1)
    c.setTitle(title)
    c.setCreator("Atelier")
    return c


def render_pdf(
    labels: Iterable[Label], stock: Stock, *, start_at: int = 1, title: str = "Étiquettes"
) -> bytes:
    """PDF bytes for ``labels`` on ``stock``."""
    # Flate alone: reportlab's default ASCII85 wrapping runs in pure Python and
    # costs more than the whole layout. Restored afterwards for other users.
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        return _render_pdf(labels, stock, start_at, title)
    finally:
        rl_config.useA85 = saved


def _render_pdf(labels: Iterable[Label], stock: Stock, start_at: int, title: str) -> bytes:
    buf = io.BytesIO()
    sheet = stock.sheet
    if sheet is None:
        c = None
        for label in labels:
            lay = layout(label, stock)
            if c is None:
                c = _canvas(buf, lay.width, lay.height, title)
            else:
                c.setPageSize((lay.width * mm, lay.height * mm))
            draw_layout(c, lay, 0.0, 0.0, lay.height)
            c.showPage()
        if c is None:
            raise ValueError("no labels to render")
        c.save()
        return buf.getvalue()

    if not 1 <= start_at <= sheet.per_sheet:
        raise ValueError(f"start_at must be between 1 and {sheet.per_sheet} on {stock.code}")
    c = _canvas(buf, sheet.page_width_mm, sheet.page_height_mm, title)
    slot = start_at - 1
    count = 0
    for label in labels:
        if slot == sheet.per_sheet:
            c.showPage()
            slot = 0
        x, y = sheet.position(slot)
        draw_layout(c, layout(label, stock), x, y, sheet.page_height_mm)
        slot += 1
        count += 1
    if count == 0:
        raise ValueError("no labels to render")
    c.showPage()
    c.save()
    return buf.getvalue()
