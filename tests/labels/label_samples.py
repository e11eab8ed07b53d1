import datetime as dt

import pypdfium2 as pdfium
import pytest
import zxingcpp

from labels import templates as T

SAMPLES = {
    "device_tag": T.DeviceTagInput(
        "AT-004217", "Ordinateur portable", dt.date(2025, 3, 12), "Lyon Gerland"
    ),
    "drive_tag": T.DriveTagInput("WD-WX11A12B3456", "AT-004217", "256 Go", "SSD"),
    "erasure_sticker": T.ErasureInput(
        "AT-004217", "NIST 800-88 Purge", dt.date(2025, 3, 14), "JD", True
    ),
    "shop_label": T.ShopInput(
        asset_tag="AT-004217",
        model="Lenovo ThinkPad T480",
        cpu="Intel Core i5-8350U",
        ram_gb=8,
        storage="SSD 256 Go",
        grade="A",
        solidarity_price=189,
        warranty_months=12,
        public_url="https://atelier.example/d/AT-004217",
        standard_price=349,
        screen_inches=14.0,
        battery_health_pct=87,
    ),
    "kit_label": T.KitInput(
        "KIT-0042", "Bureautique", ["Écran 22 pouces", "Clavier AZERTY", "Souris", "Câbles"]
    ),
    "part_label": T.PartInput(
        "LYP0000017", "Mémoire", "LY0000423", "8\u00a0Go · 2666\u00a0MHz", "Testée : fonctionne"
    ),
    "location_label": T.LocationInput("LYO-R2-B05", "Rayonnage 2 · bac 5", "Lyon Gerland"),
    "collection_label": T.CollectionInput(
        "COL-2025-0042", "Mairie de Villeurbanne", "2025-03-10", "Lyon Gerland", 23
    ),
}


def sample_label(name):
    return T.build(name, SAMPLES[name])


def expected_codes(label):
    """Every value a scanner must read off the label."""
    values = set()
    if label.barcode:
        values.add(label.barcode.value)
    if label.qr:
        values.add(label.qr)
    return values


def decode(image):
    return {b.text for b in zxingcpp.read_barcodes(image.convert("L"))}


def decode_by_format(image):
    return {(b.format, b.text) for b in zxingcpp.read_barcodes(image.convert("L"))}


def pdf_pages(pdf: bytes, dpi: int):
    """Pages as a thermal or laser printer would: whole dots, shapes not anti-aliased.

    (Anti-aliasing a 0.254 mm module at 203 dpi smears it over 2.03 grey pixels,
    which no printer does; text stays smoothed.)
    """
    doc = pdfium.PdfDocument(pdf)
    return [page.render(scale=dpi / 72, no_smoothpath=True).to_pil().convert("L") for page in doc]


def pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


TEMPLATE_NAMES = sorted(SAMPLES)


@pytest.fixture(params=TEMPLATE_NAMES)
def template_name(request):
    return request.param
