"""Label stocks: the paper, described with its exact physical dimensions.

All lengths are millimetres. Thermal printers address the paper in dots, so a
stock printed on one carries its resolution and, for Brother QL media, the
identifier and exact printable dot area from brother_ql's label table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

MM_PER_INCH = 25.4


def mm_to_dots(mm: float, dpi: int) -> int:
    """Nearest whole number of printer dots for a length in millimetres."""
    return round(mm * dpi / MM_PER_INCH)


def dots_to_mm(dots: float, dpi: int) -> float:
    return dots * MM_PER_INCH / dpi


class StockKind(StrEnum):
    ROLL = "roll"  # continuous tape, cut to the length the template asks for
    DIE_CUT = "die-cut"  # pre-cut labels on a roll
    SHEET = "sheet"  # A4 sheet of pre-cut labels, for office printers


@dataclass(frozen=True)
class SheetLayout:
    """Where the labels sit on a sheet (Avery-style spec, mm from the top-left)."""

    page_width_mm: float
    page_height_mm: float
    columns: int
    rows: int
    top_margin_mm: float
    left_margin_mm: float
    horizontal_pitch_mm: float  # left edge to left edge of neighbouring columns
    vertical_pitch_mm: float  # top edge to top edge of neighbouring rows

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[float, float]:
        """Top-left corner (x, y) in mm of label ``index`` (0-based, row by row)."""
        if not 0 <= index < self.per_sheet:
            raise ValueError(f"position {index + 1} is not on a {self.per_sheet}-label sheet")
        row, col = divmod(index, self.columns)
        return (
            self.left_margin_mm + col * self.horizontal_pitch_mm,
            self.top_margin_mm + row * self.vertical_pitch_mm,
        )


@dataclass(frozen=True)
class BrotherMedia:
    """Brother QL media as brother_ql knows it (dots at 300 dpi)."""

    label: str  # brother_ql label identifier, e.g. "62" or "62x29"
    printable_width_dots: int
    printable_length_dots: int | None  # None for continuous tape
    # Unprintable band on each side of the tape, in dots (tape width minus printable width,
    # split evenly: brother_ql's "dots_total" minus "dots_printable").
    total_width_dots: int
    total_length_dots: int | None


@dataclass(frozen=True)
class Stock:
    code: str
    name: str  # French, shown to the workshop
    width_mm: float
    height_mm: float | None  # None: continuous roll, the template chooses the length
    kind: StockKind
    dpi: int | None = None  # thermal printers only; sheets go to office printers
    sheet: SheetLayout | None = None
    brother: BrotherMedia | None = None
    default_length_mm: float | None = None  # for continuous rolls

    @property
    def is_continuous(self) -> bool:
        return self.height_mm is None

    def with_length(self, length_mm: float | None) -> Stock:
        """A concrete stock: continuous rolls get a length, others are returned as they are."""
        if not self.is_continuous:
            return self
        length = length_mm or self.default_length_mm
        if length is None or length <= 0:
            raise ValueError(f"stock {self.code!r} is continuous: give a label length in mm")
        return replace(self, height_mm=float(length))

    @property
    def layout_dpi(self) -> int:
        """Resolution the layout snaps barcodes to: the thermal printer's, or 600 for lasers."""
        return self.dpi or 600

    def printable_box_mm(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) unprintable bands in mm. Zero except on Brother QL."""
        if self.brother is None:
            return (0.0, 0.0, 0.0, 0.0)
        b = self.brother
        side = dots_to_mm((b.total_width_dots - b.printable_width_dots) / 2, 300)
        if b.printable_length_dots is None or b.total_length_dots is None:
            return (side, 0.0, side, 0.0)
        end = dots_to_mm((b.total_length_dots - b.printable_length_dots) / 2, 300)
        return (side, end, side, end)

    def width_dots(self) -> int:
        if self.dpi is None:
            raise ValueError(f"stock {self.code!r} is not for a thermal printer")
        if self.brother is not None:
            return self.brother.printable_width_dots
        return mm_to_dots(self.width_mm, self.dpi)

    def height_dots(self) -> int:
        if self.dpi is None or self.height_mm is None:
            raise ValueError(f"stock {self.code!r} has no length in dots (continuous or sheet)")
        b = self.brother
        if b is not None and b.printable_length_dots is not None:
            return b.printable_length_dots
        return mm_to_dots(self.height_mm, self.dpi)


STOCKS: dict[str, Stock] = {}


def _register(stock: Stock) -> Stock:
    STOCKS[stock.code] = stock
    return stock


BROTHER_62 = _register(
    Stock(
        code="brother-62",
        name="Brother QL rouleau continu 62 mm",
        width_mm=62.0,
        height_mm=None,
        kind=StockKind.ROLL,
        dpi=300,
        default_length_mm=40.0,
        brother=BrotherMedia("62", 696, None, 732, None),
    )
)
BROTHER_62X29 = _register(
    Stock(
        code="brother-62x29",
        name="Brother QL étiquettes prédécoupées 62 × 29 mm",
        width_mm=62.0,
        height_mm=29.0,
        kind=StockKind.DIE_CUT,
        dpi=300,
        brother=BrotherMedia("62x29", 696, 271, 732, 341),
    )
)
DYMO_99012 = _register(
    Stock(
        code="dymo-99012",
        name="Dymo 99012 grandes étiquettes adresse 89 × 36 mm",
        width_mm=89.0,
        height_mm=36.0,
        kind=StockKind.DIE_CUT,
        dpi=300,
    )
)
ZEBRA_57X32 = _register(
    Stock(
        code="zebra-57x32",
        name="Zebra étiquettes thermiques 57 × 32 mm",
        width_mm=57.0,
        height_mm=32.0,
        kind=StockKind.DIE_CUT,
        dpi=203,
    )
)
ZEBRA_102X152 = _register(
    Stock(
        code="zebra-102x152",
        name="Zebra étiquettes expédition 102 × 152 mm (4 × 6 pouces)",
        width_mm=4 * MM_PER_INCH,
        height_mm=6 * MM_PER_INCH,
        kind=StockKind.DIE_CUT,
        dpi=203,
    )
)
THERMAL_50X25 = _register(
    Stock(
        code="thermal-50x25",
        name="Étiquettes thermiques 50 × 25 mm",
        width_mm=50.0,
        height_mm=25.0,
        kind=StockKind.DIE_CUT,
        dpi=203,
    )
)
AVERY_L7651 = _register(
    Stock(
        code="avery-l7651",
        name="Avery L7651 planche A4, 65 étiquettes 38,1 × 21,2 mm",
        width_mm=38.1,
        height_mm=21.2,
        kind=StockKind.SHEET,
        sheet=SheetLayout(
            page_width_mm=210.0,
            page_height_mm=297.0,
            columns=5,
            rows=13,
            # Avery/Label Planet LP65/38: 10.7 mm top, 4.75 mm sides, 2.5 mm column gap.
            top_margin_mm=10.7,
            left_margin_mm=4.75,
            horizontal_pitch_mm=40.6,
            vertical_pitch_mm=21.2,
        ),
    )
)
AVERY_L7160 = _register(
    Stock(
        code="avery-l7160",
        name="Avery L7160 planche A4, 21 étiquettes 63,5 × 38,1 mm",
        width_mm=63.5,
        height_mm=38.1,
        kind=StockKind.SHEET,
        sheet=SheetLayout(
            page_width_mm=210.0,
            page_height_mm=297.0,
            columns=3,
            rows=7,
            # Avery/Label Planet LP21/63: 15.15 mm top, 7.25 mm sides, 2.5 mm column gap.
            top_margin_mm=15.15,
            left_margin_mm=7.25,
            horizontal_pitch_mm=66.0,
            vertical_pitch_mm=38.1,
        ),
    )
)


class UnknownStockError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its argument; keep the message readable
        return str(self.args[0])


def get_stock(code: str) -> Stock:
    """The stock registered under ``code``; unknown codes list the valid ones."""
    try:
        return STOCKS[code]
    except KeyError:
        valid = ", ".join(sorted(STOCKS))
        raise UnknownStockError(f"unknown label stock {code!r}; valid stocks: {valid}") from None
