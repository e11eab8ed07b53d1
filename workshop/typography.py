"""French typography, in one place: money, percentages and the spaces before ``: ; ! ?``.

French puts a narrow no-break space (U+202F) before ``:``, ``;``, ``!`` and ``?``, between the
thousands of a number and before ``€`` and ``%``; the decimal mark is a comma. The screens use
these through the ``typography`` template filters (``workshop/templatetags/typography.py``),
the PDF builders call them directly, and the French translations carry the same spaces.
Outside French the amounts read ``1,234.50 €`` and the text is left as it is.

The PDF fonts (the PDF standard fonts, Bitstream Vera) have no narrow no-break space:
``workshop.pdftext`` prints it as a no-break space, which they have.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext_lazy

NNBSP = "\u202f"
NBSP = "\u00a0"
# What a form label ends with (Django's own ``_(":")``): the French catalogue of the project
# says "\u202f:", which Django's own French (a no-break space) is not.
LABEL_SUFFIX = gettext_lazy(":")

# A space (or none) before a high punctuation mark that ends a word: "Poids (kg):" or
# "Prêt ?" but never "12:30", "http://" or "?q=" (the mark is followed by a space or the end).
_HIGH = re.compile(r"(?<=[^\s\u202f])[ \u00a0]?([:;!?])(?=[\s\u00a0)»”]|$)")
# A number and its unit sign: "60 %" or "89,50€".
_SIGN = re.compile(r"(?<=\d)[ \u00a0]?([%€])")


def french() -> bool:
    return (translation.get_language() or "").lower().startswith("fr")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value, places: int = 2) -> str:
    """``1 234,50`` in French (narrow no-break space between thousands), ``1,234.50`` else."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    text = f"{amount:,.{places}f}"
    if french():
        text = text.replace(",", NNBSP).replace(".", ",")
    return text.replace("-", "\u2212") if text.startswith("-") else text


def money(value) -> str:
    """An amount in euros: ``1 234,50 €`` in French, ``1,234.50 €`` otherwise ('' for None)."""
    text = number(value, 2)
    if not text or _decimal(value) is None:
        return text
    return f"{text}{NNBSP if french() else ' '}€"


def percent(value, places: int = 0) -> str:
    """``20 %`` (narrow no-break space) in French, ``20%`` otherwise."""
    text = number(value, places)
    if not text or _decimal(value) is None:
        return text
    return f"{text}{NNBSP}%" if french() else f"{text}%"


def punctuate(text) -> str:
    """French text with a narrow no-break space before ``: ; ! ?`` and between a number and
    its ``%`` or ``€`` (other languages: as is)."""
    if text is None:
        return ""
    text = str(text)
    if not french():
        return text
    text = _HIGH.sub(lambda match: NNBSP + match.group(1), text)
    return _SIGN.sub(lambda match: NNBSP + match.group(1), text)
