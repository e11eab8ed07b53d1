"""What the shop adds to scan resolution: kit tags, invoice and credit-note numbers."""

from __future__ import annotations

import re

from inventory.scan import ScanResult, tag_of_kind
from shop.models import CreditNote, Kit, Sale
from workshop import tags


def resolve_kit_tag(code: str) -> ScanResult | None:
    if not tag_of_kind(code, tags.KIT):
        return None
    kit = Kit.objects.select_related("site").filter(tag=code).first()
    return ScanResult("kit", code, kit) if kit else None


_INVOICE_RE = re.compile(r"^(?P<site>[A-Z]{2})(?P<credit>AV)?(?P<year>\d{4})(?P<seq>\d{6})$")


def resolve_invoice_number(code: str) -> ScanResult | None:
    """Match an invoice (``LY-2026-000001``) or credit note (``LY-AV-2026-000001``) number."""
    match = _INVOICE_RE.match(code)
    if not match:
        return None
    if match["credit"]:
        number = f"{match['site']}-AV-{match['year']}-{match['seq']}"
        note = CreditNote.objects.select_related("sale").filter(number=number).first()
        return ScanResult("credit_note", number, note) if note else None
    number = f"{match['site']}-{match['year']}-{match['seq']}"
    sale = Sale.objects.select_related("buyer").filter(number=number).first()
    return ScanResult("invoice", number, sale) if sale else None
