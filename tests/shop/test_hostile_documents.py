"""Hostile text through every PDF and CSV the project produces (issue 16, holes 6 and 7).

On main, reportlab ``Paragraph`` read make, model, serial, drive model and donor name as
markup: ``<img src=x onerror=…>`` made the certificates answer 500, ``<a href>`` made a
clickable link, ``<img src="/some/file.png">`` embedded a server file; and a stocktake scan of
``=HYPERLINK(…)`` landed as a formula in the CSV report.
"""

from __future__ import annotations

import csv
import io

import pypdfium2
import pytest
from django.db import connection

from inventory import services as inventory_services
from inventory.documents.shipment import shipment_slip_pdf
from inventory.documents.stocktake import stocktake_csv, stocktake_pdf
from refurb import services as refurb_services
from refurb.certificates.pdf import certificate_pdf
from refurb.certificates.services import certificate_issue
from refurb.models import NistMethod
from reports.tables import Table, table_csv
from shop import services
from shop.invoices import credit_note_pdf, invoice_pdf
from tests import factories
from tests.shop.support import NOW, buyer
from workshop.csvsafe import csv_cell
from workshop.models import WorkstationKind as WK
from workshop.pdftext import pdf_markup, pdf_plain

pytestmark = pytest.mark.django_db

HOSTILE = [
    '<img src=x onerror="alert(1)">',
    '<a href="https://evil.example/"><font size=18 color=red>Cliquez</font></a>',
    '<img src="/etc/hostname"/>',
    "Dell & <b>Fils</b> </para>",
    "ligne\nsuivante\x00",
]
# PostgreSQL cannot store a NUL at all (every input refuses it: tests/api/test_input_limits.py),
# so on PostgreSQL the documents get the same hostile line without it.
STORED = [
    text.replace("\x00", "") if connection.vendor == "postgresql" else text for text in HOSTILE
]
FORMULAS = ['=HYPERLINK("https://evil.example","x")', "@SUM(A1:A2)", "+1+1", "-2+3", "\t=1"]


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def assert_literal(data: bytes, text: str) -> None:
    """The PDF prints ``text`` as typed, and has no link and no image taken from it."""
    assert data.startswith(b"%PDF")
    flat = "".join(pdf_text(data).split())
    assert "".join(pdf_plain(text).split()) in flat
    assert b"/URI" not in data
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data


@pytest.mark.parametrize("text", HOSTILE)
def test_the_helper_escapes_markup_and_flattens_control_characters(text):
    escaped = pdf_markup(text)
    assert "<" not in escaped and ">" not in escaped
    assert "\n" not in escaped and "\x00" not in escaped


@pytest.mark.parametrize("text", STORED)
def test_device_and_collection_certificates_print_hostile_text_as_typed(
    text, site, bench_worker, manager, station
):
    donor = inventory_services.donor_create(kind="person", name=text)
    collection = inventory_services.collection_create(donor=donor, site=site)
    device = factories.make_device(
        site=site, actor=bench_worker, collection=collection, make=text, model=text,
        serial_number=text[:60],
    )  # fmt: skip
    drive = refurb_services.drive_add(device=device, actor=bench_worker, model=text)
    refurb_services.drive_record_erasure(
        drive=drive, method=NistMethod.CLEAR, tool="nwipe", result="success", verified=True,
        actor=bench_worker, workstation=station(WK.ERASURE),
    )  # fmt: skip
    for subject in ({"device": device}, {"collection": collection}):
        certificate = certificate_issue(actor=manager, **subject)
        data = certificate_pdf(certificate, verify_url="https://atelier.example/verify/X")
        assert_literal(data, text)


@pytest.mark.parametrize("text", STORED)
def test_invoices_and_credit_notes_print_hostile_text_as_typed(text, site, legal, on_sale, crew):
    device = on_sale(make=text, model=text)
    sale = services.sale_complete(
        site=site,
        buyer=buyer("association", name=text, site=site),
        items=[device],
        payment_method="cash",
        actor=crew.shop,
        workstation=crew.stations[WK.SHOP],
        now=NOW,
    )
    assert_literal(invoice_pdf(sale), text)
    note = services.sale_return(
        sale=sale, devices=[device], reason=text, actor=crew.shop,
        workstation=crew.stations[WK.SHOP], now=NOW,
    )  # fmt: skip
    assert credit_note_pdf(note).startswith(b"%PDF")


@pytest.mark.parametrize("text", STORED + FORMULAS)
def test_stocktake_and_shipment_documents_take_hostile_codes(text, site, manager, crew):
    shelf = inventory_services.location_create(site=site, name="Étagère A1")
    stocktake = inventory_services.stocktake_open(site=site, actor=manager)
    inventory_services.stocktake_record_scan(
        stocktake=stocktake, code=text, location=shelf, actor=manager
    )
    inventory_services.stocktake_reconcile(stocktake=stocktake)
    assert stocktake_pdf(stocktake).startswith(b"%PDF")
    rows = list(csv.reader(io.StringIO(stocktake_csv(stocktake))))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    shipment = inventory_services.shipment_open(site=site, recycler=text, actor=manager)
    inventory_services.shipment_add_parts(shipment=shipment, description=text, weight_kg="1.5")
    assert shipment_slip_pdf(shipment).startswith(b"%PDF")


@pytest.mark.parametrize("text", FORMULAS)
def test_report_csv_cells_never_start_a_formula(text):
    table = Table("t", "T", header=["name", "count"], rows=[[text, -3], ["-4.5", 2]])
    rows = list(csv.reader(io.StringIO(table_csv(table))))
    assert rows[1][0] == "'" + text and rows[1][1] == "-3"
    assert rows[2][0] == "-4.5"


def test_plain_numbers_and_ordinary_text_are_left_alone():
    assert csv_cell("-12.50") == "-12.50"
    assert csv_cell("Dell Latitude") == "Dell Latitude"
    assert csv_cell(-3) == -3
