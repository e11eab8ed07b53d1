import re
import unicodedata

import pytest
import zplkit
from PIL import Image

from labels.render.zpl import bc_data, render_zpl
from labels.stocks import get_stock
from tests.labels.label_samples import TEMPLATE_NAMES, decode, expected_codes, sample_label

ZEBRA_STOCKS = ["zebra-57x32", "zebra-102x152", "thermal-50x25"]
_ASCII = {"€": "E", "…": "...", "—": "-", "·": ".", "œ": "oe", "Œ": "OE", "’": "'"}


def _for_zplkit(zpl: bytes) -> bytes:
    """zplkit's captured font strikes lack most accented glyphs (a real printer's font 0
    has them under ^CI28): fold the text fields to ASCII so zplkit can draw the rest."""

    def fold(match):
        text = "".join(_ASCII.get(c, c) for c in match.group(2))
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return match.group(1) + text

    return re.sub(r"(\^A0N,\d+,\d+\^FH_\^FD)([^^]*)", fold, zpl.decode()).encode()


def _render(zpl: bytes):
    doc = zplkit.render(_for_zplkit(zpl), zplkit.Options(profile="specification", dpi=203))
    images = []
    for scene in doc.labels:
        r = scene.rasterize()
        images.append(Image.frombytes("L", (r.width, r.height), r.pixels))
    return images


@pytest.mark.parametrize("code", ZEBRA_STOCKS)
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_zpl_rendered_by_zplkit_decodes_to_the_exact_values(name, code):
    label = sample_label(name)
    [image] = _render(render_zpl([label], get_stock(code)))
    assert expected_codes(label) <= decode(image)


@pytest.mark.parametrize("code", ZEBRA_STOCKS)
def test_zpl_print_width_and_length_are_the_stock_size_in_dots(code):
    stock = get_stock(code)
    zpl = render_zpl([sample_label("device_tag")], stock).decode()
    assert f"^PW{stock.width_dots()}" in zpl and f"^LL{stock.height_dots()}" in zpl
    [image] = _render(render_zpl([sample_label("device_tag")], stock))
    assert image.size == (stock.width_dots(), stock.height_dots())


def test_zpl_is_one_utf8_format_per_label_with_ci28():
    zpl = render_zpl([sample_label("erasure_sticker")] * 2, get_stock("zebra-57x32")).decode()
    assert zpl.count("^XA") == zpl.count("^XZ") == 2
    assert zpl.count("^CI28") == 2
    assert "Données effacées" in zpl


def test_zpl_field_data_cannot_inject_commands():
    from labels.templates import location_label

    label = location_label({"code": "A^XZ~JR_1", "name": "Bac ^XZ"})
    zpl = render_zpl([label], get_stock("zebra-102x152")).decode()
    assert zpl.count("^XZ") == 1
    [image] = _render(zpl.encode())
    assert "A^XZ~JR_1" in decode(image)


def test_bc_data_switches_subsets_like_python_barcode():
    assert bc_data("AT-004217") == ">:AT->5004217"
    assert bc_data("12345678") == ">;12345678"


def test_zpl_needs_a_thermal_stock():
    with pytest.raises(ValueError, match="thermal"):
        render_zpl([sample_label("device_tag")], get_stock("avery-l7651"))
