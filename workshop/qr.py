"""QR codes as rectangles to draw: labels and certificates print them as plain vector boxes.

zxing-cpp encodes the matrix in about 0.1 ms (pure-Python encoders take 3 ms, reportlab's own
widget 24 ms a label); merging identical runs of consecutive rows keeps the drawing short.
"""

from __future__ import annotations

import re
from functools import lru_cache

import zxingcpp

_RUN_B = re.compile(b"1+")
_DARK = b"1" * 128 + b"0" * 128  # bytes.translate table: grey < 128 is a dark module


@lru_cache(maxsize=4096)
def qr_matrix(value: str) -> tuple[int, tuple[tuple[int, int, int, int], ...]]:
    """QR code from zxing-cpp as (size, dark rectangles (row, col, width, height))."""
    symbol = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = symbol.to_image(scale=1, add_quiet_zones=False)
    rows, cols = image.shape
    if rows != cols:
        raise ValueError("zxing-cpp returned a non-square QR code")
    raw = bytes(memoryview(image))
    # One '0' between rows so no run crosses a row end; one regex pass finds every run.
    stride = cols + 1
    data = b"0".join(raw[r * cols : (r + 1) * cols].translate(_DARK) for r in range(rows))
    # Identical runs in consecutive rows merge into one rectangle: fewer to draw.
    spans: dict[tuple[int, int], list[int]] = {}  # (col, width) -> [first row, last row]
    rects: list[tuple[int, int, int, int]] = []
    for m in _RUN_B.finditer(data):
        row, col = divmod(m.start(), stride)
        key = (col, m.end() - m.start())
        span = spans.get(key)
        if span is not None and span[1] == row - 1:
            span[1] = row
            continue
        if span is not None:
            rects.append((span[0], key[0], key[1], span[1] - span[0] + 1))
        spans[key] = [row, row]
    for (col, width), (first, last) in spans.items():
        rects.append((first, col, width, last - first + 1))
    return rows, tuple(sorted(rects))
