"""What goes on a label, independent of the template, the stock and the printer."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """Typographic role of a text line; the layout sizes and drops lines by role."""

    TITLE = "title"  # bold, larger: what the label is about
    BODY = "body"  # ordinary facts
    SMALL = "small"  # secondary facts, dropped first when space runs out
    PRICE = "price"  # bold, largest: never dropped


class Symbology(StrEnum):
    CODE128 = "code128"


CODE128_CHARS = frozenset(chr(c) for c in range(32, 127))


@dataclass(frozen=True)
class Barcode:
    value: str
    symbology: Symbology = Symbology.CODE128
    human_readable: bool = True  # print the value under the bars

    def __post_init__(self) -> None:
        if not self.value:
            raise ValueError("a barcode needs a value")
        bad = sorted({c for c in self.value if c not in CODE128_CHARS})
        if bad:
            raise ValueError(
                f"Code 128 here encodes printable ASCII only; {self.value!r} has {''.join(bad)!r}"
            )


@dataclass(frozen=True)
class TextLine:
    text: str
    role: Role = Role.BODY
    keep: bool = False  # never drop this line, even on the smallest stock

    @property
    def essential(self) -> bool:
        return self.keep or self.role in (Role.TITLE, Role.PRICE)


@dataclass(frozen=True)
class Label:
    """A template's output: text lines top to bottom, an optional barcode and QR code.

    ``length_mm`` is the length the template prefers on continuous rolls.
    """

    template: str
    title: str | None = None
    lines: list[TextLine] = field(default_factory=list)
    barcode: Barcode | None = None
    qr: str | None = None
    length_mm: float | None = None

    def all_lines(self) -> list[TextLine]:
        head = [TextLine(self.title, Role.TITLE)] if self.title else []
        return head + list(self.lines)

    def text(self) -> str:
        """All text of the label, one line each (for search and accessibility)."""
        return "\n".join(line.text for line in self.all_lines())
