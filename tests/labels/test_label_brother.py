import pytest
from brother_ql.labels import LabelsManager
from brother_ql.models import ModelsManager
from brother_ql.reader import BrotherQLReader
from PIL import Image

from labels.render.brother import brother_bitmap, render_brother
from labels.stocks import get_stock
from tests.labels.label_samples import TEMPLATE_NAMES, decode, expected_codes, sample_label


def _raster_rows(data: bytes) -> list[bytes]:
    """Raster lines of an uncompressed job: 'g' 0x00 <n> <n bytes>."""
    rows, i = [], data.index(b"g\x00")
    while i < len(data) and data[i : i + 2] == b"g\x00":
        n = data[i + 2]
        rows.append(data[i + 3 : i + 3 + n])
        i += 3 + n
    return rows


def _decode_job(data: bytes, tmp_path, monkeypatch) -> list[Image.Image]:
    """Decode raster instructions with brother_ql's own reader (writes PNGs to cwd)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "job.bin"
    path.write_bytes(data)
    with open(path, "rb") as f:
        BrotherQLReader(f).analyse()
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("label*.png"))]


@pytest.mark.parametrize("code", ["brother-62", "brother-62x29"])
def test_bitmap_is_exactly_the_printable_dots_of_62mm_media(code):
    stock = get_stock(code)
    spec = LabelsManager()[stock.brother.label]
    image = brother_bitmap(sample_label("device_tag"), stock)
    assert image.width == spec.dots_printable[0] == 696
    if spec.dots_printable[1]:
        assert image.height == spec.dots_printable[1]


@pytest.mark.parametrize("model", ["QL-700", "QL-820NWB"])
def test_raster_lines_span_the_print_head_with_696_dots_of_label(model):
    stock = get_stock("brother-62x29")
    data = render_brother([sample_label("device_tag")], stock, model=model, compress=False)
    rows = _raster_rows(data)
    head_bytes = ModelsManager()[model].number_bytes_per_row
    assert {len(r) for r in rows} == {head_bytes}
    assert len(rows) == 271
    inked = [i for r in rows for i, bit in enumerate(_bits(r)) if bit]
    assert max(inked) - min(inked) < 696  # ink never outside the printable 696 dots


def _bits(row: bytes):
    for byte in row:
        for k in range(7, -1, -1):
            yield (byte >> k) & 1


@pytest.mark.parametrize("code", ["brother-62", "brother-62x29"])
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_raster_decodes_back_to_an_image_whose_codes_scan(name, code, tmp_path, monkeypatch):
    label = sample_label(name)
    data = render_brother([label], get_stock(code), model="QL-820NWB")
    [image] = _decode_job(data, tmp_path, monkeypatch)
    assert expected_codes(label) <= decode(image)


def test_continuous_raster_is_as_long_as_the_template_asks():
    label = sample_label("shop_label")  # 50 mm
    data = render_brother([label], get_stock("brother-62"), model="QL-700", compress=False)
    assert len(_raster_rows(data)) == round(50 / 25.4 * 300)


def test_brother_renderer_refuses_non_brother_stock():
    with pytest.raises(ValueError, match="not Brother"):
        render_brother([sample_label("device_tag")], get_stock("zebra-57x32"))
