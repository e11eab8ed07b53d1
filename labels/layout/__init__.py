"""Lay label content out on a stock, in millimetres, for every renderer to draw.

:func:`layout` places the barcode, the QR code and the text (:mod:`.placement`); the symbols'
sizing lives in :mod:`.barcodes`, text fitting in :mod:`.text` and the items a layout is made
of in :mod:`.items`. This package re-exports what the renderers and services use.
"""

from labels.layout.items import BarsItem, LabelLayout, LayoutError, QRItem, TextItem
from labels.layout.placement import layout

__all__ = ["BarsItem", "LabelLayout", "LayoutError", "QRItem", "TextItem", "layout"]
