import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labels.content import Barcode, Label, Role, TextLine
from labels.layout import layout
from labels.layout.text import MIN_TEXT_PT, ellipsize, wrap
from labels.stocks import get_stock
from labels.templates import ShopInput, shop_label
from tests.labels.label_samples import SAMPLES, sample_label
from workshop import fonts

FRENCH = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    "éèêëàâîïôöùûüçœÉÈÀÇŒ€«»’-'.,:;/()%"
)
french_text = st.text(alphabet=FRENCH, min_size=1, max_size=200)


def _inside(lay):
    for x0, y0, x1, y1 in lay.ink_boxes():
        assert x0 >= -1e-6 and y0 >= -1e-6
        assert x1 <= lay.width + 1e-6 and y1 <= lay.height + 1e-6
    for t in lay.texts:
        assert t.ink_width <= t.width + 1e-6
        assert t.size_pt >= MIN_TEXT_PT - 1e-9


def test_200_character_model_name_on_50x25_shrinks_wraps_and_ellipsises():
    data = SAMPLES["shop_label"]
    model = ("Ordinateur portable reconditionné très complet " * 5)[:200]
    fields = {**data.__dict__, "model": model}
    lay = layout(shop_label(ShopInput(**fields)), get_stock("thermal-50x25"))
    titles = [t for t in lay.texts if t.role is Role.TITLE]
    assert 1 <= len(titles) <= 2
    assert titles[-1].text.endswith(fonts.ELLIPSIS)
    _inside(lay)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=french_text, cpu=french_text)
def test_any_french_text_stays_inside_the_smallest_label(model, cpu):
    fields = {**SAMPLES["shop_label"].__dict__, "model": model, "cpu": cpu}
    lay = layout(shop_label(ShopInput(**fields)), get_stock("thermal-50x25"))
    _inside(lay)
    for _, y0, x1, y1 in [t.bbox() for t in lay.texts]:
        q = lay.qr.bbox()
        assert x1 <= q[0] or y1 <= q[1] or y0 >= q[3]  # text never runs into the QR code


@settings(max_examples=60, deadline=None)
@given(text=french_text, width=st.floats(min_value=2, max_value=60))
def test_wrapped_lines_never_exceed_the_width(text, width):
    for line in wrap(text, width, 7.0, False, 2):
        assert fonts.text_width_mm(line, 7.0, False) <= width + 1e-9


def test_ellipsis_marks_cut_text():
    cut = ellipsize("Données effacées " * 10, 20, 8, False)
    assert cut.endswith("…") and fonts.text_width_mm(cut, 8, False) <= 20


def test_text_lines_never_overlap_each_other():
    lay = layout(
        Label("t", "Titre", [TextLine(f"Ligne {i}") for i in range(20)]), get_stock("zebra-57x32")
    )
    boxes = sorted(t.bbox() for t in lay.texts)
    tops = sorted((t.top, t.top + t.height) for t in lay.texts)
    for (_, bottom), (top, _) in zip(tops, tops[1:], strict=False):
        assert top >= bottom - 1e-9
    assert boxes and lay.dropped  # twenty lines cannot all fit on 57 × 32


def test_small_lines_are_dropped_before_body_and_price_lines():
    lines = [TextLine("corps " * 3), TextLine("petit", Role.SMALL), TextLine("12 €", Role.PRICE)]
    lines += [TextLine(f"détail {i}", Role.SMALL) for i in range(10)]
    lay = layout(Label("t", "Titre", lines, Barcode("AT-1")), get_stock("thermal-50x25"))
    printed = {t.text for t in lay.texts}
    assert "12 €" in printed and "Titre" in printed
    assert all(d.startswith(("détail", "petit")) for d in lay.dropped)


def test_barcode_too_long_for_the_stock_becomes_a_qr_code():
    label = Label("t", "Disque", [], Barcode("WD-WX11A12B3456"))
    lay = layout(label, get_stock("thermal-50x25"))
    assert lay.bars is None and lay.qr.value == "WD-WX11A12B3456"
    assert any(t.text == "WD-WX11A12B3456" for t in lay.texts)


def test_barcode_rejects_characters_code128_cannot_encode():
    with pytest.raises(ValueError, match="ASCII"):
        Barcode("ÉTIQUETTE")


def test_unknown_template_lists_valid_ones():
    from labels.templates import build

    with pytest.raises(KeyError, match="device_tag"):
        build("price_tag", {})


def test_templates_accept_plain_dicts():
    from labels.templates import device_tag

    label = device_tag(
        {"asset_tag": "AT-1", "category": "Tour", "intake_date": "2025-01-31", "site": "Lyon"}
    )
    assert "Entrée le 31/01/2025" in label.text()


def test_prices_are_french_with_the_euro_sign():
    from labels.templates import format_euros

    assert format_euros(1234.5) == "1\u00a0234,50\u00a0€"
    assert format_euros(89) == "89\u00a0€"


def test_svg_preview_draws_the_barcode_and_french_text():
    from labels.render.preview import render_svg

    svg = render_svg(
        sample_label("erasure_sticker"),
        get_stock("zebra-57x32"),
    )
    assert svg.startswith("<svg") and "Données effacées" in svg and "<path" in svg


def test_png_preview_scans():
    import io

    from PIL import Image

    from labels.render.preview import render_png
    from tests.labels.label_samples import decode, sample_label

    png = render_png(sample_label("shop_label"), get_stock("zebra-57x32"))
    image = Image.open(io.BytesIO(png))
    assert image.size == (456, 256)
    assert {"AT-004217", "https://atelier.example/d/AT-004217"} <= decode(image)
