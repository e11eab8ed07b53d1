import pytest

from labels.stocks import STOCKS, StockKind, get_stock, mm_to_dots


def test_unknown_stock_error_lists_every_valid_code():
    with pytest.raises(KeyError) as info:
        get_stock("brother-99")
    message = str(info.value)
    assert "brother-99" in message
    for code in STOCKS:
        assert code in message


def test_brother_62mm_tape_prints_696_dots_wide_like_brother_ql():
    from brother_ql.labels import LabelsManager

    for code in ("brother-62", "brother-62x29"):
        stock = get_stock(code)
        spec = LabelsManager()[stock.brother.label]
        assert stock.width_dots() == spec.dots_printable[0] == 696


def test_brother_62x29_die_cut_is_271_printable_dots_long():
    assert get_stock("brother-62x29").height_dots() == 271


def test_continuous_roll_takes_its_length_from_the_template():
    stock = get_stock("brother-62").with_length(40)
    assert stock.height_mm == 40
    assert stock.height_dots() == mm_to_dots(40, 300) == 472


@pytest.mark.parametrize(
    ("code", "width_dots", "height_dots"),
    [("zebra-57x32", 456, 256), ("zebra-102x152", 812, 1218), ("thermal-50x25", 400, 200)],
)
def test_zebra_stocks_have_exact_dot_sizes_at_203_dpi(code, width_dots, height_dots):
    stock = get_stock(code)
    assert (stock.dpi, stock.width_dots(), stock.height_dots()) == (203, width_dots, height_dots)


@pytest.mark.parametrize(("code", "count"), [("avery-l7651", 65), ("avery-l7160", 21)])
def test_avery_sheet_layout_fills_an_a4_page_symmetrically(code, count):
    stock = get_stock(code)
    sheet = stock.sheet
    assert stock.kind is StockKind.SHEET and sheet.per_sheet == count
    last_x, last_y = sheet.position(count - 1)
    right = sheet.page_width_mm - (last_x + stock.width_mm)
    bottom = sheet.page_height_mm - (last_y + stock.height_mm)
    assert right == pytest.approx(sheet.left_margin_mm, abs=0.02)
    assert bottom == pytest.approx(sheet.top_margin_mm, abs=0.02)


def test_every_stock_has_a_french_name_and_a_kind():
    for stock in STOCKS.values():
        assert stock.name and isinstance(stock.kind, StockKind)


# Published sheet specifications (Avery, and Label Planet's equivalents LP65/38 and LP21/63):
# (top margin, side margin, horizontal pitch, vertical pitch) in mm.
AVERY_PUBLISHED = {
    "avery-l7651": (10.7, 4.75, 40.6, 21.2),
    "avery-l7160": (15.15, 7.25, 66.0, 38.1),
}


@pytest.mark.parametrize("code", sorted(AVERY_PUBLISHED))
def test_avery_sheet_matches_the_published_template(code):
    sheet = get_stock(code).sheet
    top, side, h_pitch, v_pitch = AVERY_PUBLISHED[code]
    assert (sheet.top_margin_mm, sheet.left_margin_mm) == (top, side)
    assert (sheet.horizontal_pitch_mm, sheet.vertical_pitch_mm) == (h_pitch, v_pitch)


@pytest.mark.parametrize("code", sorted(AVERY_PUBLISHED))
def test_avery_sheet_labels_sit_centred_on_the_a4_page(code):
    stock = get_stock(code)
    sheet = stock.sheet
    right_x, bottom_y = sheet.position(sheet.per_sheet - 1)
    right_margin = sheet.page_width_mm - (right_x + stock.width_mm)
    bottom_margin = sheet.page_height_mm - (bottom_y + stock.height_mm)
    assert right_margin == pytest.approx(sheet.left_margin_mm)
    assert bottom_margin == pytest.approx(sheet.top_margin_mm)
