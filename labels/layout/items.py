"""Describe a laid-out label: the text, bars and QR items the renderers draw.

Everything is in millimetres from the label's top-left corner, y downwards. The PDF, ZPL,
Brother and preview renderers only read these items; they never lay anything out themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from labels.content import Role
from labels.layout.barcodes import CODE128_QUIET_MODULES, bar_runs
from labels.stocks import Stock
from workshop import fonts


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
        return bar_runs(self.pattern)

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
