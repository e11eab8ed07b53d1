"""Invoice and credit-note PDFs, drawn with reportlab from what the sale stored.

Everything printed comes from the sale's snapshot (seller, buyer, lines), so a document
printed again years later reads the same. The VAT mention follows the seller's regime:
margin scheme (art. 297 A CGI: VAT on the margin, not shown), exemption (art. 293 B CGI) or
normal 20 % VAT inside the prices.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from shop.models import (
    LEGAL_GUARANTEE_MONTHS,
    RECOVERY_INDEMNITY,
    USED_GOODS_PRESUMPTION_MONTHS,
    Buyer,
    CreditNote,
    PaymentMethod,
    Sale,
    VatRegime,
)
from shop.services.sales import line_vat
from workshop import typography
from workshop.pdftext import pdf_plain

MARGIN_MENTION = "Régime particulier – Biens d'occasion (art. 297 A du CGI)\u202f: TVA sur la marge"
EXEMPT_MENTION = "TVA non applicable, art. 293 B du CGI"


def money(amount: Decimal) -> str:
    """Format an amount the French way: ``1 234,50 €`` (``workshop.typography``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return typography.money(amount)


def vat_mention(regime: str) -> str:
    if regime == VatRegime.MARGIN:
        return MARGIN_MENTION
    if regime == VatRegime.EXEMPT:
        return EXEMPT_MENTION
    return "TVA 20\u202f% incluse dans les prix"


class _Page:
    """A cursor on an A4 canvas that starts a new page when the bottom is reached."""

    def __init__(self, pdf: canvas.Canvas):
        self.pdf = pdf
        self.y = A4[1] - 20 * mm

    def line(self, text: str, *, x: float = 20 * mm, size: int = 10, bold: bool = False):
        if self.y < 25 * mm:
            self.pdf.showPage()
            self.y = A4[1] - 20 * mm
        self.pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.pdf.drawString(x, self.y, pdf_plain(text))
        self.y -= size * 0.45 * mm + 2 * mm

    def paragraph(self, text: str, *, x: float = 20 * mm, size: int = 10):
        """``text`` wrapped to the page's width (a legal mention is never cut off)."""
        width, lines, current = A4[0] - 20 * mm - x, [], ""
        # Only ordinary spaces break a line: "40,00 €" and "art. L. 441-10" keep their
        # no-break spaces.
        for word in pdf_plain(text).split(" "):
            candidate = f"{current} {word}" if current else word
            if current and stringWidth(candidate, "Helvetica", size) > width:
                lines.append(current)
                candidate = word
            current = candidate
        for part in [*lines, current]:
            self.line(part, x=x, size=size)

    def right(self, text: str, *, size: int = 10, bold: bool = False):
        self.pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.pdf.drawRightString(
            A4[0] - 20 * mm, self.y + size * 0.45 * mm + 2 * mm, pdf_plain(text)
        )

    def at(self, x: float, text: str, *, size: int = 10, bold: bool = False):
        """Right-align ``text`` at ``x`` on the line just written (a table column)."""
        self.pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.pdf.drawRightString(x, self.y + size * 0.45 * mm + 2 * mm, pdf_plain(text))

    def gap(self, millimetres: float = 4):
        self.y -= millimetres * mm


def _parties(page: _Page, seller: dict, buyer: dict) -> None:
    page.line(seller["legal_name"], bold=True, size=12)
    for part in (seller.get("address") or "").splitlines():
        page.line(part)
    page.line(f"SIRET {seller['siret']}")
    if seller.get("vat_number"):
        page.line(_("VAT number: %(n)s") % {"n": seller["vat_number"]})
    page.gap()
    page.line(_("Buyer"), bold=True)
    page.line(buyer["name"])
    for part in (buyer.get("address") or "").splitlines():
        page.line(part)
    ident = buyer.get("rna") or buyer.get("siret")
    if ident:
        page.line(ident)
    page.gap()


QTY_X = 128 * mm
UNIT_X = 158 * mm
DESCRIPTION_CHARS = 60


def _lines(page: _Page, lines, regime: str, amount_of) -> None:
    """One row per device: what it is, its quantity (1), its unit price and its amount. Under
    the normal regime the unit price is without VAT and the amount includes it."""
    normal = regime == VatRegime.NORMAL
    page.line(_("Tag · Item · Serial number"), bold=True)
    page.at(QTY_X, _("Qty"), bold=True)
    page.at(UNIT_X, _("Unit price excl. VAT") if normal else _("Unit price"), bold=True)
    page.right(_("Amount incl. VAT") if normal else _("Amount"), bold=True)
    for line in lines:
        kit = f" [{_('kit')} {line.kit.tag}]" if line.kit_id else ""
        serial = f" · S/N {line.serial_number}" if line.serial_number else ""
        text = f"{line.asset_tag} · {line.description}{serial}{kit}"
        if len(text) > DESCRIPTION_CHARS:
            text = text[: DESCRIPTION_CHARS - 1] + "…"
        amount = amount_of(line)
        page.line(text)
        page.at(QTY_X, "1")
        page.at(UNIT_X, money(amount - line_vat(amount, regime)))
        page.right(money(amount))
        if line.system:
            page.line(
                _("System installed: %(system)s") % {"system": line.system}, x=26 * mm, size=9
            )


def _totals(page: _Page, total: Decimal, vat: Decimal, regime: str) -> None:
    page.gap(2)
    if regime == VatRegime.NORMAL:
        page.line(_("Total excl. VAT"))
        page.right(money(total - vat))
        page.line(_("VAT 20 %"))
        page.right(money(vat))
    page.line(_("Total"), bold=True, size=12)
    page.right(money(total), bold=True, size=12)
    page.gap(2)
    page.line(vat_mention(regime), size=9)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _late_payment_mention(stored) -> str:
    """The penalties and the indemnity owed by a professional who pays late (art. L. 441-10,
    D. 441-5 code de commerce). ``stored`` is the rate the sale kept: empty for the legal rate,
    stated as the article words it (the ECB's rate moves; the invoice stays true); a site's own
    rate is printed as a figure (checked, when set, at three times the legal interest rate).
    Issued invoices reprint what they stored, the old 10 % default included."""
    if stored is None:  # a sale stored before the rate was: it printed the old 10 % default
        stored = "10.00"
    stored = "" if stored == "None" else str(stored)
    indemnity = money(RECOVERY_INDEMNITY)
    if not stored:
        return _(
            "Late payment: penalties from the day after the due date at the interest rate of "
            "the European Central Bank's most recent refinancing operation plus 10 percentage "
            "points, and a fixed indemnity of %(indemnity)s for recovery costs (art. L. 441-10 "
            "and D. 441-5 code de commerce). No discount for early payment."
        ) % {"indemnity": indemnity}
    return _(
        "Late payment: penalties at %(rate)s a year from the day after the due date, "
        "and a fixed indemnity of %(indemnity)s for recovery costs (art. L. 441-10 and "
        "D. 441-5 code de commerce). No discount for early payment."
    ) % {"rate": typography.percent(Decimal(stored), 2), "indemnity": indemnity}


def invoice_mentions(sale: Sale) -> list[str]:
    """The legal mentions of the invoice, from what the sale stored (seller, buyer, dates):
    the due date; for a professional buyer the late-payment penalties and the fixed recovery
    indemnity (art. L. 441-10, D. 441-5 code de commerce); the legal guarantees (conformity
    for consumers, hidden defects for all); the workshop's commercial warranty."""
    seller, buyer = sale.seller, sale.buyer_snapshot
    due_on = sale.due_on or timezone.localdate(sale.completed_at)
    mentions = [_("Payment due on %(date)s.") % {"date": _date(due_on)}]
    professional = buyer.get("professional")
    if professional is None:  # a sale stored before the flag
        professional = buyer.get("kind") in Buyer.ORGANISATIONS
    if professional:
        mentions += [
            _late_payment_mention(seller.get("late_penalty_rate")),
            _("Legal guarantee against hidden defects (art. 1641 to 1649 code civil)."),
        ]
    else:
        mentions.append(
            _(
                "Legal guarantee of conformity: %(months)s months from delivery (art. L. 217-3 "
                "and following, code de la consommation); for this used, refurbished good, a "
                "defect that appears within %(presumed)s months is presumed to have existed at "
                "delivery (art. L. 217-7). And the guarantee against hidden defects (art. 1641 "
                "to 1649 code civil)."
            )
            % {"months": LEGAL_GUARANTEE_MONTHS, "presumed": USED_GOODS_PRESUMPTION_MONTHS}
        )
    months = seller.get("warranty_months")
    mentions.append(
        _(
            "Commercial warranty of the workshop: %(months)s months, parts and labour, until "
            "%(date)s (return to the workshop), on top of the legal guarantees."
        )
        % {"months": months, "date": _date(sale.warranty_until)}
        if months
        else _("Warranty until %(date)s (parts and labour, return to the workshop).")
        % {"date": _date(sale.warranty_until)}
    )
    return mentions


def invoice_pdf(sale: Sale) -> bytes:
    """Return the invoice of ``sale`` as PDF bytes, in French (a French legal document)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _invoice_pdf(sale)


def _invoice_pdf(sale: Sale) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Facture {sale.number}")
    page = _Page(pdf)
    _parties(page, sale.seller, sale.buyer_snapshot)
    page.line(_("Invoice %(number)s") % {"number": sale.number}, bold=True, size=14)
    page.line(
        _("Date: %(date)s")
        % {"date": formats.date_format(timezone.localdate(sale.completed_at), "SHORT_DATE_FORMAT")}
    )
    page.line(
        _("Price tier: %(tier)s (%(why)s)")
        % {"tier": sale.get_tier_display(), "why": sale.buyer_snapshot.get("tier_reason", "")}
    )
    page.gap()
    lines = [*sale.lines.select_related("kit"), *sale.part_lines.all()]
    _lines(page, lines, sale.vat_regime, lambda line: line.price)
    _totals(page, sale.total, sale.vat_total, sale.vat_regime)
    page.line(
        _("Paid by: %(method)s") % {"method": PaymentMethod(sale.payment_method).label}, size=9
    )
    for text in invoice_mentions(sale):
        page.paragraph(text, size=9)
    page.paragraph(
        _("Data on every storage device was erased (NIST SP 800-88) before sale."), size=9
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def credit_note_pdf(note: CreditNote) -> bytes:
    """Return the credit note (avoir) as PDF bytes, in French like the invoice."""
    with translation.override(settings.LANGUAGE_CODE):
        return _credit_note_pdf(note)


def _credit_note_pdf(note: CreditNote) -> bytes:
    sale = note.sale
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Avoir {note.number}")
    page = _Page(pdf)
    _parties(page, sale.seller, sale.buyer_snapshot)
    page.line(_("Credit note %(number)s") % {"number": note.number}, bold=True, size=14)
    page.line(_("Refers to invoice %(number)s") % {"number": sale.number})
    page.line(
        _("Date: %(date)s")
        % {"date": formats.date_format(timezone.localdate(note.created_at), "SHORT_DATE_FORMAT")}
    )
    page.line(_("Reason: %(reason)s") % {"reason": note.reason})
    page.gap()
    credits = list(note.lines.select_related("sale_line__kit", "part_line"))
    lines = [credit.line for credit in credits]
    amounts = {id(credit.line): credit.amount for credit in credits}
    _lines(page, lines, sale.vat_regime, lambda line: amounts[id(line)])
    _totals(page, note.total, note.vat_total, sale.vat_regime)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
