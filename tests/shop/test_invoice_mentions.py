"""Invoices by the book: every mandatory mention, read back from the PDF with pdfium.

Code général des impôts art. 242 nonies A (number, date, seller and buyer, VAT number,
quantity, unit price, VAT regime), code de commerce art. L. 441-9 and L. 441-10 (due date,
late-payment penalties and the 40 € fixed recovery indemnity for professional buyers), code de
la consommation art. L. 217-3 and following (legal guarantee of conformity: two years, used
goods included; art. L. 217-7: 12 months of presumption for used goods) and the workshop's
commercial warranty.
"""

from datetime import date
from decimal import Decimal

import pypdfium2
import pytest
from django.core.exceptions import ValidationError

from shop import services
from shop.invoices import MARGIN_MENTION, invoice_pdf
from shop.models import InvoiceImmutable, Sale, SaleLine, SiteLegal, vat_number_for
from tests import factories
from tests.shop.support import NOW, buyer, legal_for
from workshop.models import WorkstationKind as WK

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    # The fonts print the narrow no-break space as a no-break space; pdfium reads it back as
    # a space, and wraps long lines with CR LF.
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def legal(site):
    siret = legal_for(site).siret
    return legal_for(
        site,
        vat_number=vat_number_for(siret[:9]),
        payment_days=30,
        late_penalty_rate="12.50",
        legal_interest_rate="4.00",
    )


def sell(site, crew, on_sale, kind, **buyer_fields):
    return services.sale_complete(
        site=site,
        buyer=buyer(kind, **buyer_fields),
        items=[on_sale(grade="A", specs={"ram_gb": 8, "storage_gb": 256}), on_sale()],
        payment_method="transfer",
        actor=crew.shop,
        workstation=crew.stations[WK.SHOP],
        now=NOW,
    )


def test_an_invoice_to_an_association_carries_every_mandatory_mention(site, legal, on_sale, crew):
    sale = sell(site, crew, on_sale, "association", address="3 place Bellecour\n69002 Lyon")
    text = pdf_text(invoice_pdf(sale))
    # Who sells and who buys, number and date.
    assert "Atelier Solidaire de Lyon (association loi 1901)" in text
    assert f"SIRET {legal.siret}" in text
    assert f"N° de TVA intracommunautaire : {legal.vat_number}" in text
    assert "Les Amis du Numérique" in text and "3 place Bellecour" in text
    assert "Facture LY-2026-000001" in text and "Date : 02/03/2026" in text
    # Quantity and unit-price columns, one row per device.
    assert "Qté" in text and "Prix unitaire" in text and "Montant" in text
    for line in sale.lines.all():
        assert line.asset_tag in text
    assert text.count(" 1 ") >= 2
    # Due date, penalties and the fixed indemnity: the buyer is a professional.
    assert "Échéance : 01/04/2026" in text
    assert "12,50 % par an" in text and "40,00 €" in text and "L. 441-10" in text
    assert "D. 441-5" in text and "escompte" in text
    assert "vices cachés" in text and "1641" in text
    assert "conformité" not in text
    # The margin scheme, from the site's legal identity.
    assert " ".join(MARGIN_MENTION.replace("\u202f", " ").split()) in text
    # The commercial warranty.
    assert "Garantie commerciale de l’atelier : 12 mois" in text and "02/03/2027" in text


def test_an_invoice_to_a_consumer_states_the_legal_guarantee_of_conformity(
    site, legal, on_sale, crew
):
    sale = sell(site, crew, on_sale, "individual")
    text = pdf_text(invoice_pdf(sale))
    # Two years, used goods included (art. L. 217-3); 12 months of presumption (art. L. 217-7).
    assert "Garantie légale de conformité : 24 mois" in text
    assert "L. 217-3" in text and "L. 217-7" in text and "reconditionné" in text
    assert "dans les 12 mois est présumé exister" in text
    assert "40,00 €" not in text and "pénalités" not in text
    assert "Garantie commerciale" in text


def test_the_legal_penalty_rate_is_stated_in_the_words_of_l_441_10(site, on_sale, crew):
    # No rate of the site's own: the invoice states the legal rate, ECB + 10 points, in words
    # (the ECB's rate moves; a figure printed today could be wrong tomorrow).
    siret = legal_for(site).siret
    legal = legal_for(site, vat_number=vat_number_for(siret[:9]), payment_days=30)
    assert legal.late_penalty_rate is None
    sale = sell(site, crew, on_sale, "association", name="<b>Amis</b> & <font size=40>x</font>")
    assert sale.seller["late_penalty_rate"] == ""
    text = pdf_text(invoice_pdf(sale))
    assert "<b>Amis</b> & <font size=40>x</font>" in text  # the buyer's name, as typed
    assert "Banque centrale européenne" in text and "majoré de 10 points" in text
    assert "refinancement la plus récente" in text
    assert "% par an" not in text
    assert "40,00 €" in text and "L. 441-10" in text and "D. 441-5" in text


@pytest.mark.parametrize(
    ("rate", "legal_rate", "error"),
    [
        ("10.00", "4.00", "late_penalty_rate"),  # below 3 × 4 % = 12 %: the old default
        ("12.50", None, "legal_interest_rate"),  # a rate of its own needs the legal rate
    ],
)
def test_a_penalty_rate_below_three_times_the_legal_rate_is_refused(site, rate, legal_rate, error):
    siret = legal_for(site).siret
    legal = legal_for(
        site,
        vat_number=vat_number_for(siret[:9]),
        late_penalty_rate=rate,
        legal_interest_rate=legal_rate,
    )
    legal.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        legal.full_clean()
    assert error in refused.value.message_dict
    legal.late_penalty_rate = Decimal("12.00")  # exactly three times 4 %
    legal.legal_interest_rate = Decimal("4.00")
    legal.full_clean()


def test_an_invoice_stored_before_the_rate_reprints_the_old_10_percent(site, legal, on_sale, crew):
    # Issued invoices are immutable: one stored with no rate at all printed the 10 % default
    # of the time and still does; one stored with the legal rate ("") prints the words.
    sale = sell(site, crew, on_sale, "association")
    sale.seller.pop("late_penalty_rate")  # in memory only: the row is immutable
    text = pdf_text(invoice_pdf(sale))
    assert "10,00 % par an" in text and "majoré" not in text
    sale.seller["late_penalty_rate"] = ""
    assert "majoré de 10 points" in pdf_text(invoice_pdf(sale))


def test_each_device_tracks_its_guarantees(site, legal, on_sale, crew):
    consumer = sell(site, crew, on_sale, "individual")
    for line in consumer.lines.all():
        assert line.legal_guarantee_until == date(2028, 3, 2)  # 24 months
        assert line.commercial_warranty_until == consumer.warranty_until == date(2027, 3, 2)
    association = sell(site, crew, on_sale, "association")
    assert {line.legal_guarantee_until for line in association.lines.all()} == {None}
    assert association.due_on == date(2026, 4, 1)
    assert association.buyer_snapshot["professional"] is True


def test_a_normal_vat_invoice_shows_unit_prices_without_vat(site, legal, on_sale, crew):
    legal_for(site, vat_regime="normal")
    sale = sell(site, crew, on_sale, "public")
    text = pdf_text(invoice_pdf(sale))
    assert "Prix unitaire HT" in text and "Montant TTC" in text
    line = sale.lines.first()
    assert f"{line.price - line.vat:.2f}".replace(".", ",") in text


def test_an_issued_invoice_is_never_changed_a_correction_is_a_credit_note(
    site, legal, on_sale, crew
):
    sale = sell(site, crew, on_sale, "association")
    printed = invoice_pdf(Sale.objects.get(pk=sale.pk))
    sale.total = Decimal("1.00")
    with pytest.raises(InvoiceImmutable):
        sale.save()
    with pytest.raises(InvoiceImmutable):
        sale.save(update_fields=["total"])
    line = sale.lines.first()
    line.price = Decimal("1.00")
    with pytest.raises(InvoiceImmutable):
        line.save(update_fields=["price"])
    with pytest.raises(InvoiceImmutable):
        Sale.objects.get(pk=sale.pk).delete()
    note = services.sale_return(
        workstation=factories.bench("shop"),
        sale=sale,
        devices=[line.device],
        reason="Erreur de prix",
        actor=crew.shop,
        now=NOW,
    )
    assert note.number == "LY-AV-2026-000001"
    assert SaleLine.objects.get(pk=line.pk).returned is True
    stored = Sale.objects.get(pk=sale.pk)
    assert stored.total == Decimal("190.00")
    assert pdf_text(invoice_pdf(stored)) == pdf_text(printed)


def test_the_seller_vat_number_is_checked_against_its_siret(site):
    legal = SiteLegal.objects.get(site=site)
    legal.vat_number = "FR00" + legal.siret[:9]
    with pytest.raises(ValidationError) as error:
        legal.full_clean()
    assert "vat_number" in error.value.message_dict
    legal.vat_number = ""
    with pytest.raises(ValidationError):
        legal.full_clean()
    legal.vat_regime = "exempt"
    legal.full_clean()


def test_the_migration_turns_the_old_flat_10_percent_into_the_legal_rate(site):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shop.migrations.0008_law_penalty_rate")
    other = factories.SiteFactory(code="SE", name="Saint-Étienne")
    legal_for(site, late_penalty_rate="10.00")  # the old default, below the floor
    legal_for(other, late_penalty_rate="15.00", legal_interest_rate="4.00")  # a site's own
    migration.old_default_to_legal_rate(apps, None)
    rates = dict(SiteLegal.objects.values_list("site__code", "late_penalty_rate"))
    assert rates == {"LY": None, "SE": Decimal("15.00")}


@pytest.mark.parametrize("kind", ["association", "individual"])
def test_every_mention_is_wrapped_inside_the_page(site, on_sale, crew, kind):
    # The legal rate in words and the guarantees are long: each is wrapped at the right
    # margin, never drawn off the page (pdfium's text boxes stay inside the A4 width).
    siret = legal_for(site).siret
    legal_for(site, vat_number=vat_number_for(siret[:9]), payment_days=30)
    document = pypdfium2.PdfDocument(invoice_pdf(sell(site, crew, on_sale, kind)))
    try:
        page = document[0]
        width = page.get_width()
        text = page.get_textpage()
        rights = [text.get_charbox(index)[2] for index in range(text.count_chars())]
    finally:
        document.close()
    assert rights and max(rights) <= width - 19 * 72 / 25.4  # the 20 mm margin, 1 mm slack
