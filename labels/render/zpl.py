"""ZPL II for Zebra (and compatible) thermal printers.

Everything is placed in printer dots from the same layout as the PDF. Code 128
is sent as ``^BC`` in mode N with explicit subset invocations (``>:`` start B,
``>;`` start C, ``>5``/``>6`` switches) copied from python-barcode's encoding,
so the printer draws exactly the modules the layout measured. Text uses the
scalable font 0 with ``^CI28`` (UTF-8); field data goes through ``^FH`` so
``^``, ``~`` and ``_`` in user text cannot break the format.
"""

from __future__ import annotations

from collections.abc import Iterable

from labels.content import Label
from labels.layout import LabelLayout, layout
from labels.layout.barcodes import code128_codes
from labels.stocks import Stock, mm_to_dots

_START = {103: ("A", ">9"), 104: ("B", ">:"), 105: ("C", ">;")}
# Code-set switches valid in each subset (in C, 99 is just the digits "99").
_SWITCH = {
    "A": {99: ("C", ">5"), 100: ("B", ">6")},
    "B": {99: ("C", ">5"), 101: ("A", ">7")},
    "C": {100: ("B", ">6"), 101: ("A", ">7")},
}


_CONTROL = {code: " " for code in (*range(0x20), 0x7F)}


def field_data(text: str) -> str:
    """Escape text for ``^FH_^FD``: the three ZPL-significant characters as _XX hex, and
    control characters (newlines, tabs, NUL…) as spaces, so no user text ends a field."""
    text = text.replace("\u00a0", " ").translate(_CONTROL)  # no no-break space glyph either
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def bc_data(value: str) -> str:
    """^BC mode-N field data reproducing python-barcode's subset choices exactly."""
    codes = code128_codes(value)
    charset, out = _START[codes[0]]
    parts = [out]
    for code in codes[1:]:
        switch = _SWITCH[charset].get(code)
        if switch is not None:
            charset, invocation = switch
            parts.append(invocation)
            continue
        if charset == "C":
            parts.append(f"{code:02d}")
        else:  # A or B: values 0..63 are the same printable characters in both
            ch = chr(code + 32)
            parts.append("><" if ch == ">" else ch)
    return field_data("".join(parts))


def _layout_zpl(lay: LabelLayout, dpi: int, width_dots: int, height_dots: int) -> str:
    def d(v_mm: float) -> int:
        return mm_to_dots(v_mm, dpi)

    out = ["^XA", "^CI28", f"^PW{width_dots}", f"^LL{height_dots}", "^LH0,0"]
    if lay.bars is not None:
        b = lay.bars
        h = d(b.y + b.height) - d(b.y)
        out.append(
            f"^FO{d(b.x)},{d(b.y)}^BY{b.module_dots},3.0,{h}"
            f"^BCN,{h},N,N,N,N^FH_^FD{bc_data(b.value)}^FS"
        )
    if lay.qr is not None:
        q = lay.qr
        # ^BQ draws from the field origin plus a fixed offset of its own; model 2,
        # magnification = module size in dots; M = error correction, A = automatic input.
        out.append(f"^FO{d(q.x)},{d(q.y)}^BQN,2,{q.module_dots}^FH_^FDMA,{field_data(q.value)}^FS")
    for t in lay.texts:
        h = max(1, round(t.size_pt / 72 * dpi))
        out.append(f"^FO{d(t.ink_x)},{d(t.top)}^A0N,{h},{h}^FH_^FD{field_data(t.text)}^FS")
    out.append("^XZ")
    return "\n".join(out)


def render_zpl(labels: Iterable[Label], stock: Stock) -> bytes:
    """One ``^XA … ^XZ`` format per label, UTF-8 encoded."""
    if stock.dpi is None:
        raise ValueError(f"stock {stock.code!r} is not for a thermal printer (no dpi)")
    formats = []
    for label in labels:
        lay = layout(label, stock)
        concrete = lay.stock
        formats.append(_layout_zpl(lay, stock.dpi, concrete.width_dots(), concrete.height_dots()))
    if not formats:
        raise ValueError("no labels to render")
    return ("\n".join(formats) + "\n").encode("utf-8")
