"""The one way text reaches a PDF: ``paragraph()`` for reportlab ``Paragraph`` (which parses
a markup of its own: ``<img>``, ``<a href>``, ``<font>``…), ``pdf_plain()`` for canvas strings
and table cells.

Every certificate, invoice, credit note, stocktake and shipment PDF builds its text through
these, so a make, model, serial, drive model or donor name is always printed as typed, never
read as markup (``tests/project/test_hostile_documents.py`` feeds hostile strings to each).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

# Control characters (newlines, tabs, NUL…) become spaces: a PDF line is one line. The
# narrow no-break space of French typography (``workshop.typography``) becomes a no-break
# space: the PDF fonts have no glyph for it, and it must not break a line either.
_CONTROL = {code: " " for code in (*range(0x20), 0x7F)} | {0x202F: "\u00a0"}


def pdf_plain(value) -> str:
    """``value`` as one line of plain text (``None`` is empty)."""
    return "" if value is None else str(value).translate(_CONTROL)


def pdf_markup(value) -> str:
    """``value`` escaped for reportlab's paragraph markup: it prints exactly as given."""
    return escape(pdf_plain(value), {'"': "&quot;"})


def paragraph(text, style):
    """A reportlab ``Paragraph`` showing ``text`` literally (no markup is interpreted)."""
    from reportlab.platypus import Paragraph

    return Paragraph(pdf_markup(text), style)
