import pytest
from zxingcpp import BarcodeFormat

from labels.layout import layout
from labels.render.pdf import render_pdf
from labels.stocks import MM_PER_INCH, STOCKS, get_stock
from tests.labels.label_samples import (
    TEMPLATE_NAMES,
    decode,
    decode_by_format,
    expected_codes,
    pdf_pages,
    pdf_text,
    sample_label,
)

ROLL_STOCKS = sorted(code for code, s in STOCKS.items() if s.sheet is None)
SHEET_STOCKS = sorted(code for code, s in STOCKS.items() if s.sheet is not None)


def _label_crop(image, stock, slot, dpi, pad_mm=0.0):
    x, y = stock.sheet.position(slot)
    k = dpi / MM_PER_INCH
    box = (
        int((x - pad_mm) * k),
        int((y - pad_mm) * k),
        int((x + stock.width_mm + pad_mm) * k) + 1,
        int((y + stock.height_mm + pad_mm) * k) + 1,
    )
    return image.crop(box), box


@pytest.mark.parametrize("code", ROLL_STOCKS)
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_roll_label_barcodes_decode_to_exact_values_at_203_dpi(name, code):
    label = sample_label(name)
    [page] = pdf_pages(render_pdf([label], get_stock(code)), 203)
    assert expected_codes(label) <= decode(page)


@pytest.mark.parametrize("code", ["brother-62", "brother-62x29"])
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_brother_label_barcodes_decode_at_300_dpi(name, code):
    label = sample_label(name)
    [page] = pdf_pages(render_pdf([label], get_stock(code)), 300)
    assert expected_codes(label) <= decode(page)


@pytest.mark.parametrize("code", SHEET_STOCKS)
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_sheet_label_barcodes_decode_and_nothing_is_drawn_outside_the_label(name, code):
    stock = get_stock(code)
    label = sample_label(name)
    slot = stock.sheet.columns + 1  # second row, first column: neighbours on every side
    [page] = pdf_pages(render_pdf([label], stock, start_at=slot + 1), 203)
    crop, box = _label_crop(page, stock, slot, 203)
    assert expected_codes(label) <= decode(crop)
    outside = page.copy()
    outside.paste(255, box)
    assert outside.getextrema() == (255, 255)


def test_code128_is_drawn_as_code128_not_only_as_qr():
    label = sample_label("device_tag")
    [page] = pdf_pages(render_pdf([label], get_stock("zebra-57x32")), 203)
    assert (BarcodeFormat.Code128, "AT-004217") in decode_by_format(page)


def test_shop_label_qr_code_decodes_to_the_public_page_url():
    label = sample_label("shop_label")
    [page] = pdf_pages(render_pdf([label], get_stock("avery-l7160")), 203)
    assert (BarcodeFormat.QRCode, "https://atelier.example/d/AT-004217") in decode_by_format(page)


def test_roll_pdf_has_one_page_per_label_sized_as_the_label():
    import pypdfium2 as pdfium

    labels = [sample_label("device_tag"), sample_label("drive_tag")]
    doc = pdfium.PdfDocument(render_pdf(labels, get_stock("brother-62x29")))
    assert len(doc) == 2
    w, h = doc[0].get_size()
    assert (w * MM_PER_INCH / 72, h * MM_PER_INCH / 72) == (pytest.approx(62), pytest.approx(29))


def test_continuous_roll_page_length_is_the_templates_length():
    import pypdfium2 as pdfium

    label = sample_label("shop_label")
    doc = pdfium.PdfDocument(render_pdf([label], get_stock("brother-62")))
    assert doc[0].get_size()[1] * MM_PER_INCH / 72 == pytest.approx(label.length_mm)


def test_erasure_sticker_pdf_text_keeps_accents():
    pdf = render_pdf([sample_label("erasure_sticker")], get_stock("zebra-57x32"))
    assert "Données effacées" in pdf_text(pdf)


def test_shop_label_pdf_text_has_the_euro_sign():
    pdf = render_pdf([sample_label("shop_label")], get_stock("dymo-99012"))
    text = pdf_text(pdf)
    assert "€" in text and "189" in text


def test_sheet_start_at_puts_the_first_label_at_that_position():
    stock = get_stock("avery-l7160")
    [page] = pdf_pages(render_pdf([sample_label("device_tag")], stock, start_at=5), 203)
    for slot in range(stock.sheet.per_sheet):
        crop, _ = _label_crop(page, stock, slot, 203)
        inked = crop.getextrema()[0] < 128
        assert inked == (slot == 4), f"slot {slot + 1}"


def test_sheet_overflow_continues_on_a_new_page_from_the_first_position():
    stock = get_stock("avery-l7160")
    labels = [sample_label("location_label")] * 3
    pages = pdf_pages(render_pdf(labels, stock, start_at=20), 203)
    assert len(pages) == 2
    first, _ = _label_crop(pages[1], stock, 0, 203)
    second, _ = _label_crop(pages[1], stock, 1, 203)
    assert first.getextrema()[0] < 128 and second.getextrema()[0] == 255


def test_start_at_outside_the_sheet_is_refused():
    with pytest.raises(ValueError, match="between 1 and 65"):
        render_pdf([sample_label("device_tag")], get_stock("avery-l7651"), start_at=66)


@pytest.mark.parametrize("code", sorted(STOCKS))
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_layout_keeps_all_ink_inside_the_label_margins(name, code):
    lay = layout(sample_label(name), get_stock(code))
    left, top, right, bottom = lay.stock.printable_box_mm()
    eps = 1e-6
    for x0, y0, x1, y1 in lay.ink_boxes():
        assert x0 >= left - eps and y0 >= top - eps
        assert x1 <= lay.width - right + eps and y1 <= lay.height - bottom + eps


@pytest.mark.parametrize("code", sorted(STOCKS))
def test_barcode_modules_are_whole_printer_dots_of_at_least_a_quarter_millimetre(code):
    stock = get_stock(code)
    lay = layout(sample_label("device_tag"), stock)
    bars = lay.bars
    assert bars.module_mm == pytest.approx(bars.module_dots * MM_PER_INCH / lay.dpi)
    assert bars.module_mm >= 0.25 - 0.002


@pytest.mark.parametrize("code", sorted(STOCKS))
def test_code128_quiet_zones_stay_clear_and_inside_the_label(code):
    lay = layout(sample_label("shop_label"), get_stock(code))
    bars = lay.bars
    quiet = (bars.x - bars.quiet_mm, bars.x + bars.width + bars.quiet_mm)
    assert quiet[0] >= -1e-6 and quiet[1] <= lay.width + 1e-6
    for x0, y0, x1, y1 in [t.bbox() for t in lay.texts] + [lay.qr.bbox()]:
        overlaps_vertically = y0 < bars.y + bars.height and y1 > bars.y
        assert not (overlaps_vertically and x0 < quiet[1] and x1 > quiet[0])
