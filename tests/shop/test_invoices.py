"""Invoice and credit-note PDFs: what their extracted text says."""

from decimal import Decimal

import pypdfium2
import pytest

from shop import services
from shop.invoices import EXEMPT_MENTION, credit_note_pdf, invoice_pdf, money
from tests import factories
from tests.shop.support import NOW, buyer, legal_for
from workshop.models import WorkstationKind as WK
from workshop.pdftext import pdf_plain

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.fixture
def sale(site, legal, on_sale, crew):
    devices = [on_sale(grade="A", specs={"ram_gb": 8, "storage_gb": 256}), on_sale()]
    return services.sale_complete(
        site=site,
        buyer=buyer("association", address="3 place Bellecour\n69002 Lyon"),
        items=devices,
        payment_method="cheque",
        actor=crew.shop,
        workstation=crew.stations[WK.SHOP],
        now=NOW,
    )


def test_money_is_formatted_the_french_way():
    assert money(Decimal("1234.5")) == "1\u202f234,50\u202f€"


def printed(text: str) -> str:
    """``text`` as read back from the PDF: its fonts have no narrow no-break space, so it is
    printed as a no-break space (``pdf_plain``), which pdfium's text reads as a space."""
    return pdf_plain(text).replace("\u00a0", " ")


def test_the_invoice_shows_number_seller_buyer_lines_total_and_warranty(sale):
    text = pdf_text(invoice_pdf(sale))
    assert "LY-2026-000001" in text
    assert "Atelier Solidaire de Lyon" in text
    assert sale.seller["siret"] in text
    assert "Les Amis du Numérique" in text and "W691234567" in text
    for line in sale.lines.all():
        assert line.asset_tag in text and line.serial_number in text
        assert printed(money(line.price)) in text
    assert money(sale.total) == "190,00\u202f€"
    assert "190,00 €" in text
    assert "CGI) : TVA sur la marge" in text
    assert "TVA sur la marge" in text and "297 A" in text
    assert "02/03/2027" in text


def test_an_exempt_seller_prints_the_293_b_mention(site, on_sale, crew):
    legal_for(site, vat_regime="exempt")
    sale = services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=buyer("public"),
        items=[on_sale()],
        payment_method="cash",
        actor=crew.shop,
        now=NOW,
    )
    text = pdf_text(invoice_pdf(sale))
    assert EXEMPT_MENTION in text
    assert sale.vat_total == Decimal("0.00")


def test_a_normal_vat_seller_shows_vat_inside_the_price(site, on_sale, crew):
    legal_for(site, vat_regime="normal")
    sale = services.sale_complete(
        workstation=factories.bench("shop"),
        site=site,
        buyer=buyer("public"),
        items=[on_sale()],
        payment_method="cash",
        actor=crew.shop,
        now=NOW,
    )
    assert sale.vat_total == Decimal("20.00")
    text = pdf_text(invoice_pdf(sale))
    assert "100,00 €" in text and "20,00 €" in text and "120,00 €" in text
    assert "TVA 20 % incluse" in text


def test_the_credit_note_shows_its_number_the_invoice_and_the_amount(sale, crew):
    line = sale.lines.first()
    note = services.sale_return(
        workstation=factories.bench("shop"),
        sale=sale,
        devices=[line.device],
        reason="Clavier défectueux",
        actor=crew.shop,
        now=NOW,
    )
    text = pdf_text(credit_note_pdf(note))
    assert "LY-AV-2026-000001" in text
    assert "LY-2026-000001" in text
    assert "Clavier défectueux" in text
    assert line.asset_tag in text
    assert printed(money(line.price)) in text
