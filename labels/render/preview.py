"""Previews: SVG (for the browser) and bitmaps (PNG, and the Brother QL raster source).

The bitmap renderer draws the layout in whole dots: at the stock's own
resolution every bar and QR module lands exactly on the printer's dot grid.
"""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from labels.content import Label
from labels.layout import LabelLayout, layout
from labels.stocks import MM_PER_INCH, Stock
from workshop import fonts


@lru_cache(maxsize=64)
def _pil_font(bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(fonts.BOLD_PATH if bold else fonts.REGULAR_PATH, size_px)


def rasterize(
    lay: LabelLayout,
    dpi: int,
    *,
    origin_mm: tuple[float, float] = (0.0, 0.0),
    size_px: tuple[int, int] | None = None,
) -> Image.Image:
    """Greyscale image of the layout; ``origin_mm`` is the label point drawn at pixel (0, 0)."""
    k = dpi / MM_PER_INCH
    ox, oy = origin_mm
    if size_px is None:
        size_px = (round(lay.width * k), round(lay.height * k))
    img = Image.new("L", size_px, 255)
    draw = ImageDraw.Draw(img)

    def px(v: float) -> int:
        return round(v * k)

    if lay.bars is not None:
        b = lay.bars
        y0, y1 = px(b.y - oy), px(b.y + b.height - oy) - 1
        for start, length in b.runs():
            x0 = px(b.x - ox + start * b.module_mm)
            x1 = px(b.x - ox + (start + length) * b.module_mm) - 1
            draw.rectangle((x0, y0, x1, y1), fill=0)
    if lay.qr is not None:
        q = lay.qr
        m = q.module_mm
        for row, col, width, height in q.rects:
            x0 = px(q.x - ox + col * m)
            x1 = px(q.x - ox + (col + width) * m) - 1
            y0 = px(q.y - oy + row * m)
            y1 = px(q.y - oy + (row + height) * m) - 1
            draw.rectangle((x0, y0, x1, y1), fill=0)
    for t in lay.texts:
        font = _pil_font(t.bold, max(1, round(t.size_pt / 72 * dpi)))
        # Pillow advances U+00A0 by twice Vera's space width; draw it as a plain space.
        text = t.text.replace("\u00a0", " ")
        draw.text(((t.ink_x - ox) * k, (t.baseline - oy) * k), text, fill=0, font=font, anchor="ls")
    return img


def render_png(label: Label, stock: Stock, *, dpi: int | None = None) -> bytes:
    """PNG preview of one label at ``dpi`` (default: the stock's own resolution)."""
    lay = layout(label, stock)
    img = rasterize(lay, dpi or lay.dpi if stock.dpi else (dpi or 203))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def _n(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".")


def render_svg(label: Label, stock: Stock) -> str:
    """SVG preview in millimetres (bars from python-barcode's Code 128 module pattern)."""
    lay = layout(label, stock)
    w, h = lay.width, lay.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(w)}mm" height="{_n(h)}mm" '
        f'viewBox="0 0 {_n(w)} {_n(h)}">',
        f'<rect width="{_n(w)}" height="{_n(h)}" fill="#fff"/>',
    ]
    path = []
    if lay.bars is not None:
        b = lay.bars
        for start, length in b.runs():
            path.append(
                f"M{_n(b.x + start * b.module_mm)} {_n(b.y)}h{_n(length * b.module_mm)}"
                f"v{_n(b.height)}h{_n(-length * b.module_mm)}z"
            )
    if lay.qr is not None:
        q = lay.qr
        m = q.module_mm
        for row, col, width, height in q.rects:
            path.append(
                f"M{_n(q.x + col * m)} {_n(q.y + row * m)}"
                f"h{_n(width * m)}v{_n(height * m)}h{_n(-width * m)}z"
            )
    if path:
        parts.append(f'<path fill="#000" d="{"".join(path)}"/>')
    for t in lay.texts:
        weight = ' font-weight="bold"' if t.bold else ""
        parts.append(
            f'<text x="{_n(t.ink_x)}" y="{_n(t.baseline)}" font-family="Bitstream Vera Sans, '
            f'DejaVu Sans, sans-serif" font-size="{_n(t.size_pt * fonts.PT_TO_MM)}"{weight} '
            f'xml:space="preserve">{escape(t.text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
