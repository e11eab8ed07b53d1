"""Brother QL raster instructions via brother_ql (package brother-ql-next).

The label is drawn at 300 dpi as a bitmap of exactly the printable area
brother_ql defines for the media (62 mm tape: 696 dots wide), so brother_ql
never resizes it; brother_ql then pads it to the head width (720 dots, 90
bytes a raster line) at the media's right offset.
"""

from __future__ import annotations

from collections.abc import Iterable

from brother_ql.conversion import convert
from brother_ql.labels import LabelsManager
from brother_ql.raster import BrotherQLRaster
from PIL import Image

from labels.content import Label
from labels.layout import layout
from labels.render.preview import rasterize
from labels.stocks import Stock

BROTHER_DPI = 300
DEFAULT_MODEL = "QL-820NWB"


def brother_bitmap(label: Label, stock: Stock) -> Image.Image:
    """The label as a 1-bit image of the media's exact printable dots."""
    if stock.brother is None:
        raise ValueError(f"stock {stock.code!r} is not Brother QL media")
    lay = layout(label, stock)
    spec = LabelsManager()[stock.brother.label]
    width = spec.dots_printable[0]
    length = spec.dots_printable[1] or lay.stock.height_dots()
    left, top, _, _ = lay.stock.printable_box_mm()
    img = rasterize(lay, BROTHER_DPI, origin_mm=(left, top), size_px=(width, length))
    return img.point(lambda v: 0 if v < 128 else 255, mode="1")


def render_brother(
    labels: Iterable[Label],
    stock: Stock,
    *,
    model: str = DEFAULT_MODEL,
    cut: bool = True,
    compress: bool = True,
) -> bytes:
    """Raster instruction bytes for ``model`` (e.g. "QL-700", "QL-820NWB")."""
    if stock.brother is None:
        raise ValueError(f"stock {stock.code!r} is not Brother QL media")
    images = [brother_bitmap(label, stock) for label in labels]
    if not images:
        raise ValueError("no labels to render")
    qlr = BrotherQLRaster(model)
    qlr.exception_on_warning = True
    return convert(
        qlr,
        images,
        stock.brother.label,
        cut=cut,
        compress=compress and qlr.model.compression,
        rotate=0,
        dither=False,
        red=False,
    )
